// Zipf-like popularity: item k (1-based) is picked with probability proportional to 1/k^s,
// so a few products are hot and the long tail is rarely seen - like real shop traffic.
export function zipfSampler(n: number, s = 1.1, random: () => number = Math.random): () => number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s;
    cdf[k - 1] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  return () => {
    const u = random();
    let lo = 0,
      hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

export const productId = (k: number) => `p-${String(k).padStart(5, '0')}`;
