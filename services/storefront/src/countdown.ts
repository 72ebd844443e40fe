// A visible "try again in N s" countdown. Ticks once a second; `onTick` gets the seconds left
// (N, N-1, …, 1), then `onDone` runs once. The returned function cancels it.
export function countdown(seconds: number, onTick: (left: number) => void, onDone: () => void): () => void {
  let left = Math.max(1, Math.ceil(seconds));
  onTick(left);
  const timer = setInterval(() => {
    left -= 1;
    if (left > 0) {
      onTick(left);
      return;
    }
    clearInterval(timer);
    onDone();
  }, 1000);
  return () => clearInterval(timer);
}
