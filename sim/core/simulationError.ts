// The one error type a run reports to the user as it is (the CLI prints its message, no stack trace):
// an event limit passed, a backend gone, a bad time handed to the scheduler, a run stopped on request.

/** A user-facing failure of a run (event limit, a backend gone); the CLI prints its message only. */
export class SimulationError extends Error {
  override name = "SimulationError";
}
