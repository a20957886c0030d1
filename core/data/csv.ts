/**
 * A small RFC 4180 CSV reader that remembers the line each record starts on.
 * Written here instead of using csv-parse because core must run in the Temporal
 * workflow sandbox, where csv-parse's use of Buffer is unavailable.
 */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export type CsvResult = { records: CsvRecord[]; error?: { line: number; message: string } };

export function readCsv(text: string, delimiter = ','): CsvResult {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteLine = 1;
  let cellStarted = false;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;

  const endRecord = (): void => {
    cells.push(cell);
    // A blank line is not a record.
    if (!(cells.length === 1 && cells[0] === '' && !cellStarted)) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    cellStarted = false;
  };

  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (inQuotes) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') inQuotes = false;
      else {
        if (char === '\n') line++;
        cell += char;
      }
      continue;
    }
    if (char === '"' && cell === '') {
      inQuotes = true;
      cellStarted = true;
      quoteLine = line;
    } else if (char === delimiter) {
      cells.push(cell);
      cell = '';
      cellStarted = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += char;
      cellStarted = true;
    }
  }
  if (inQuotes) return { records, error: { line: quoteLine, message: 'a quoted cell is never closed (missing ")' } };
  if (cell !== '' || cells.length > 0 || cellStarted) endRecord();
  return { records };
}
