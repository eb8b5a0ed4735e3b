const PAYMENTS_KEY = "{{stripe_key}}";

export function charge(amount) {
  return fetch("/charge", { method: "POST", body: JSON.stringify({ amount, key: PAYMENTS_KEY }) });
}
