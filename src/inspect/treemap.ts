/**
 * Squarified treemap layout (Bruls, Huizing and van Wijk, 2000) for the HTML report's pictures.
 * Hand-written: it is forty lines, and the report must stay a single file with no scripts or deps.
 */

export interface TreemapItem<T> {
  value: number;
  data: T;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedItem<T> extends Rect {
  data: T;
  value: number;
}

function worst(areas: number[], side: number): number {
  const sum = areas.reduce((a, b) => a + b, 0);
  const max = Math.max(...areas);
  const min = Math.min(...areas);
  return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
}

/** Places items (values > 0) in `bounds` so each rectangle's area is proportional to its value. */
export function squarify<T>(items: readonly TreemapItem<T>[], bounds: Rect): PlacedItem<T>[] {
  const positive = items.filter((i) => i.value > 0).sort((a, b) => b.value - a.value);
  const total = positive.reduce((sum, i) => sum + i.value, 0);
  if (total === 0 || bounds.width <= 0 || bounds.height <= 0) return [];
  const scale = (bounds.width * bounds.height) / total;
  const placed: PlacedItem<T>[] = [];
  let rect = { ...bounds };
  let row: TreemapItem<T>[] = [];

  const flush = (): void => {
    const areas = row.map((i) => i.value * scale);
    const sum = areas.reduce((a, b) => a + b, 0);
    if (rect.width >= rect.height) {
      const width = sum / rect.height;
      let y = rect.y;
      row.forEach((item, k) => {
        const height = areas[k]! / width;
        placed.push({ x: rect.x, y, width, height, data: item.data, value: item.value });
        y += height;
      });
      rect = { x: rect.x + width, y: rect.y, width: rect.width - width, height: rect.height };
    } else {
      const height = sum / rect.width;
      let x = rect.x;
      row.forEach((item, k) => {
        const width = areas[k]! / height;
        placed.push({ x, y: rect.y, width, height, data: item.data, value: item.value });
        x += width;
      });
      rect = { x: rect.x, y: rect.y + height, width: rect.width, height: rect.height - height };
    }
    row = [];
  };

  for (const item of positive) {
    const side = Math.min(rect.width, rect.height);
    const current = row.map((i) => i.value * scale);
    if (row.length === 0 || worst([...current, item.value * scale], side) <= worst(current, side)) {
      row.push(item);
    } else {
      flush();
      row.push(item);
    }
  }
  if (row.length > 0) flush();
  return placed;
}
