/**
 * history.js — the terminal's command history, as a shell keeps it: Up walks back,
 * Down walks forward to the line being typed; a repeat of the last line is not
 * stored twice; at most MAX_HISTORY lines. Pure: no DOM, so it is testable alone.
 */
export const MAX_HISTORY = 200;

export function createHistory(lines = []) {
  const items = lines.slice(-MAX_HISTORY);
  let index = items.length; // items.length means "the line being typed"
  let draft = "";

  return {
    get items() { return items.slice(); },
    add(line) {
      if (line.trim() && items[items.length - 1] !== line) {
        items.push(line);
        if (items.length > MAX_HISTORY) items.shift();
      }
      index = items.length;
      draft = "";
    },
    up(current) {
      if (index === items.length) draft = current;
      if (index > 0) index -= 1;
      return items.length ? items[index] : current;
    },
    down(current) {
      if (index >= items.length) return current;
      index += 1;
      return index === items.length ? draft : items[index];
    },
  };
}
