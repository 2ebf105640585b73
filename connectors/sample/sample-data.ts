// What every sample connector shares: the label that marks its output as made up.

/** In every sample result, so nobody mistakes it for what a real service said or did. */
export const SAMPLE_SOURCE = 'sample data (no connector configured)';
