import { MissingTemplateVariablesError } from '../../src/domain/notification-errors';
import type { NotificationTemplate } from '../../src/domain/template';
import {
  escapeHtml,
  fillPlaceholders,
  placeholdersOf,
  renderTemplate,
} from '../../src/domain/template-rendering';

const welcome: NotificationTemplate = {
  name: 'welcome',
  type: 'email',
  subject: 'Hello {{name}}',
  body: 'Hello {{ name }}, your code is {{code}}.',
  htmlBody: '<p title="{{name}}">Hello <b>{{name}}</b>, your code is {{code}}.</p>',
  variables: ['name', 'code'],
};

describe('when a template is rendered', () => {
  it('then every placeholder is replaced, spaces inside the braces allowed, numbers as written', () => {
    expect(renderTemplate(welcome, { name: 'Ada', code: 42.5 })).toEqual({
      subject: 'Hello Ada',
      text: 'Hello Ada, your code is 42.5.',
      html: '<p title="Ada">Hello <b>Ada</b>, your code is 42.5.</p>',
    });
  });

  it('then values are HTML-escaped in the HTML body only', () => {
    const name = `<script>alert("x")</script> & 'friends'`;
    const rendered = renderTemplate(welcome, { name, code: 1 });

    expect(rendered.html).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;">' +
        'Hello <b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;</b>, ' +
        'your code is 1.</p>',
    );
    expect(rendered.subject).toBe(`Hello ${name}`);
    expect(rendered.text).toBe(`Hello ${name}, your code is 1.`);
  });

  it('then a value that looks like a placeholder is inserted as it is, not expanded', () => {
    expect(renderTemplate(welcome, { name: '{{code}}', code: 7 }).text).toBe(
      'Hello {{code}}, your code is 7.',
    );
  });

  it('then variables the template does not use are ignored', () => {
    expect(renderTemplate(welcome, { name: 'Ada', code: 1, unused: 'x' }).subject).toBe(
      'Hello Ada',
    );
  });

  it('then an sms template without subject or HTML renders text only', () => {
    const sms: NotificationTemplate = {
      name: 's',
      type: 'sms',
      body: 'Hi {{name}}',
      variables: [],
    };
    expect(renderTemplate(sms, { name: 'Ada' })).toEqual({ text: 'Hi Ada' });
  });

  it('then missing variables are an error naming each of them', () => {
    const render = () => renderTemplate(welcome, { nam: 'typo' });

    expect(render).toThrow(MissingTemplateVariablesError);
    expect(render).toThrow(
      'Template welcome (email) needs variables name, code, which were not given',
    );
    try {
      render();
    } catch (error) {
      expect((error as MissingTemplateVariablesError).missing).toEqual(['name', 'code']);
    }
  });

  it('then a variable inherited from Object.prototype does not count as given', () => {
    const sms: NotificationTemplate = {
      name: 's',
      type: 'sms',
      body: 'Hi {{constructor}}',
      variables: ['constructor'],
    };
    expect(() => renderTemplate(sms, {})).toThrow(
      'needs variable constructor, which was not given',
    );
  });
});

describe('when placeholders are read', () => {
  it('then each is listed once, in order of first use across the texts', () => {
    expect(placeholdersOf('{{b}} {{a}}', undefined, '{{ a }} {{c}} {{b}}')).toEqual([
      'b',
      'a',
      'c',
    ]);
  });

  it('then braces around something that is not a name are left alone', () => {
    expect(placeholdersOf('{{order-id}} {{}} {{1x}} {single}')).toEqual([]);
    expect(fillPlaceholders('{{order-id}} {{x}}', { x: 'y' })).toBe('{{order-id}} y');
  });
});

describe('when text is HTML-escaped', () => {
  it('then the five characters that matter in text and attributes are replaced', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml('plain text 123')).toBe('plain text 123');
  });

  it('then an already escaped entity is escaped again (values are text, not markup)', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});
