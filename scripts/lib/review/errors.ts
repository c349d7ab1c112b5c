/** A problem the user can fix (bad ref, bad plan file, synth failure); the CLI prints its message without a stack trace. */
export class ReviewError extends Error {}
