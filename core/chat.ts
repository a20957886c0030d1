/** The OpenAI chat message shape every renderer and operator produces. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
