// Synthetic support tickets. About half are plain cases keyword routing gets right; the rest
// exercise one hidden rule each, plus near misses (recent refunds) and decoy bait ("urgent",
// "error" in a billing ticket) so that wrong rules cost accuracy.
import type { Rng } from '../base/prng.js';

const items = ['blender', 'headphones', 'desk lamp', 'coffee grinder', 'smart watch', 'keyboard', 'router'];
const plans = ['premium', 'family', 'pro', 'business'];
const days = ['Monday', 'Friday', 'the end of the week', 'tomorrow'];

type Template = (rng: Rng) => string;

const order = (rng: Rng): string => `#${rng.int(1000, 99999)}`;

const plain: Record<string, Template[]> = {
  billing: [
    () => 'I was charged twice for my subscription this month. Can you fix the invoice?',
    (r) => `The invoice for order ${order(r)} shows the wrong amount.`,
    () => 'Please send me a receipt for my last payment.',
    () => 'Payment error: I was charged but the invoice still says unpaid.',
    (r) => `I need a refund for order ${order(r)}, placed ${r.int(2, 25)} days ago; it was the wrong size.`,
    (r) => `Can I get my money back for the ${r.pick(items)}? I bought it ${r.int(3, 20)} days ago. Refund please.`,
  ],
  technical: [
    () => 'The app crashes whenever I open the settings page.',
    () => 'I get error 502 when I upload files bigger than 10 MB.',
    () => 'Sync is not working since the latest update of the app.',
    () => 'The export button does nothing and the console shows an error.',
  ],
  shipping: [
    () => 'My package has not arrived and the tracking page has not changed in a week.',
    (r) => `Can I change the delivery address for order ${order(r)} before it is shipped?`,
    () => 'The courier left my parcel at the wrong house.',
  ],
  account: [
    () => 'How do I change the email address on my account?',
    () => 'Please delete my profile and the account that goes with it.',
    () => 'I want to add a second user to our account.',
    () => 'How do I turn on two-factor authentication for my account?',
  ],
};

const ruleCases: Record<string, Template[]> = {
  'old-refund': [
    (r) => `I would like a refund for order ${order(r)}. I placed it ${r.int(35, 120)} days ago.`,
    (r) =>
      `Refund request: the ${r.pick(items)} from order ${order(r)} (ordered ${r.int(31, 90)} days ago) stopped working.`,
  ],
  'legal-threat': [
    (r) =>
      `${r.pick(plain.billing ?? [])(r)} If this is not sorted out by ${r.pick(days)}, my lawyer will be in touch.`,
    (r) => `${r.pick(plain.shipping ?? [])(r)} I am prepared to take legal action over this.`,
  ],
  'damaged-on-arrival': [
    (r) =>
      `The ${r.pick(items)} I ordered arrived ${r.pick(['damaged', 'cracked', 'smashed'])} and it won't turn on at all.`,
    (r) => `My ${r.pick(items)} arrived broken, the app says error E4 and it won't pair.`,
  ],
  'login-after-reset': [
    () => "I reset my password yesterday and now I can't log in; the app shows an error.",
    () => 'After I reset the password I am unable to sign in. The login page keeps giving an error.',
  ],
  'cancel-subscription': [
    (r) => `Please cancel my ${r.pick(plans)} subscription, I no longer need the plan.`,
    () => 'I want to cancel my subscription before the next billing date.',
  ],
};

const greetings = ['', '', 'Hi,', 'Hello team,', 'Good morning.', 'Hey there.'];
const signOffs = ['', 'Thanks.', 'Please help.', 'Thank you in advance.', 'Regards,', 'Cheers,'];
const names = ['Ana', 'Ben', 'Chloe', 'Dev', 'Emma', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jon', 'Kemi', 'Lars'];

/** Greeting and sign-off so that no two tickets are word-for-word the same. */
function dress(rng: Rng, body: string): string {
  const signOff = rng.pick(signOffs);
  const name = signOff.endsWith(',') ? ` ${rng.pick(names)}` : '';
  return [rng.pick(greetings), body, `${signOff}${name}`].filter(Boolean).join(' ');
}

/** One ticket: ~50% plain, ~50% spread over the hidden rules; some plain ones marked urgent. */
export function generateTicket(rng: Rng): string {
  if (rng.chance(0.5)) {
    const team = rng.pick(Object.keys(plain));
    const text = dress(rng, rng.pick(plain[team] ?? [])(rng));
    return rng.chance(0.15) ? `URGENT: ${text}` : text;
  }
  const rule = rng.pick(Object.keys(ruleCases));
  return dress(rng, rng.pick(ruleCases[rule] ?? [])(rng));
}
