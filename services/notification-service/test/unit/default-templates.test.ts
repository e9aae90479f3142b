import { defaultTemplates } from '../../src/domain/default-templates';
import { renderTemplate } from '../../src/domain/template-rendering';

const find = (name: string, type: string) => {
  const template = defaultTemplates.find((t) => t.name === name && t.type === type);
  if (!template) throw new Error(`No default ${type} template ${name}`);
  return template;
};

describe('when the default templates are seeded', () => {
  it('then order_confirmation and order_cancelled exist for email and sms, once each', () => {
    expect(defaultTemplates.map((t) => `${t.name}:${t.type}`).sort()).toEqual([
      'order_cancelled:email',
      'order_cancelled:sms',
      'order_confirmation:email',
      'order_confirmation:sms',
    ]);
  });

  it('then order_confirmation needs only orderId and total, and order_cancelled also a reason', () => {
    for (const type of ['email', 'sms']) {
      expect(find('order_confirmation', type).variables.sort()).toEqual(['orderId', 'total']);
      expect(find('order_cancelled', type).variables.sort()).toEqual([
        'orderId',
        'reason',
        'total',
      ]);
    }
  });

  it('then emails have a subject and an HTML body, and sms texts neither', () => {
    for (const name of ['order_confirmation', 'order_cancelled']) {
      expect(find(name, 'email')).toEqual(
        expect.objectContaining({ subject: expect.any(String), htmlBody: expect.any(String) }),
      );
      expect(find(name, 'sms')).not.toHaveProperty('subject');
      expect(find(name, 'sms')).not.toHaveProperty('htmlBody');
    }
  });

  it("then the contract's example request (orderId and total) renders order_confirmation", () => {
    const rendered = renderTemplate(find('order_confirmation', 'email'), {
      orderId: 'ord-1',
      total: 99.99,
    });
    expect(rendered.subject).toContain('ord-1');
    expect(rendered.text).toContain('99.99');
  });
});
