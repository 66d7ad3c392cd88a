// Gives the event loop one turn (timers, I/O, signal handlers) and resumes. A run whose backends answer
// at once never gives it one otherwise, so SIGINT could not stop it. It orders nothing in the simulation:
// events run in the same order whether or not, and however long, the loop turns.
export function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
