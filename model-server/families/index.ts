// The task families the simulator knows. Order matters for detection: the more specific first.
import type { Fields } from './types.js';
import { contentModeration } from './content-moderation.js';
import { sellerScore } from './seller-score.js';
import { shippingAddress } from './shipping-address.js';
import { ticketRouting } from './ticket-routing.js';
import type { Family } from './types.js';

// content-moderation comes last: it was added after the others, and only inputs none of them
// recognises are read as a post.
export const families: readonly Family[] = [sellerScore, shippingAddress, ticketRouting, contentModeration];

export function familyByName(name: string): Family | undefined {
  return families.find((f) => f.name === name);
}

export function detectFamily(inputs: Fields): Family | undefined {
  return families.find((f) => f.detect(inputs));
}
