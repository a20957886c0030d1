// A deterministic token estimate used for `usage` and for token-per-minute limits. It is not any
// real model's tokenizer; it only needs to be stable and roughly proportional to text length
// (about four characters per token, punctuation counted separately, as BPE tokenizers tend to).

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const piece of text.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g) ?? []) {
    tokens += /^[A-Za-z0-9]/.test(piece) ? Math.ceil(piece.length / 4) : 1;
  }
  return tokens;
}

/** Chat overhead mirrors OpenAI's accounting: a few tokens per message plus the reply primer. */
export function estimatePromptTokens(messages: readonly { role: string; text: string }[]): number {
  return messages.reduce((sum, m) => sum + 4 + estimateTokens(m.text), 3);
}
