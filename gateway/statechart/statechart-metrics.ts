// The sizes the layout reserves and the SVG draws with: fonts, line heights, paddings, and a
// text width estimate (Arial/Helvetica advance widths), since there is no canvas to measure in.

export const FONT_FAMILY = "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', sans-serif";
export const TITLE_FONT_SIZE = 13;
export const TEXT_FONT_SIZE = 12;
export const LINE_HEIGHT = 16;

/** A state box: its title row, and the list of targetless transitions under a divider. */
export const STATE_PADDING_X = 14;
export const STATE_TITLE_HEIGHT = 34;
export const STATE_MIN_WIDTH = 112;
export const INTERNAL_PADDING_Y = 6;

/** A compound or parallel state: the title row on top, then its children. */
export const CONTAINER_PADDING = 18;
export const CONTAINER_TITLE_HEIGHT = 30;

export const INITIAL_MARKER_SIZE = 12;
export const HISTORY_SIZE = 30;
export const EDGE_LABEL_PADDING_X = 5;
export const EDGE_LABEL_PADDING_Y = 2;

// Advance widths in 1/1000 em of Helvetica/Arial for ASCII 32..126; Liberation Sans shares them.
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
/** Bold glyphs are about a tenth wider; other scripts get a generous average. */
const BOLD_FACTOR = 1.1;
const OTHER_WIDTH = 640;
/** Fonts differ between systems: DejaVu Sans (Linux without Arial or Liberation) runs about 15% wider. */
const SAFETY = 1.2;

export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? ASCII_WIDTHS[code - 32]! : OTHER_WIDTH;
  }
  return Math.ceil(((units * fontSize) / 1000) * (bold ? BOLD_FACTOR : 1) * SAFETY);
}
