/** A failure in words, announced to screen readers as it appears. */
export function Problem({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p role="alert" className="problem">
      {text}
    </p>
  );
}
