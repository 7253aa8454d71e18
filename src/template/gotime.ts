// time.Time as templates see it (the result of toTime): printable like Go and with the methods
// people call on it in templates, e.g. {{ (toTime $value).Format "2006-01-02" }}.
import { formatGoTime } from './gofmt.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// Longest tokens first so "2006" wins over "2", "January" over "Jan", ".000" over ".0".
const LAYOUT_TOKENS = /January|Monday|2006|Z07:00|-07:00|-0700|Z0700|MST|Jan|Mon|\.0+|\.9+|01|02|_2|03|04|05|06|15|PM|pm|1|2|3|4|5/g;

export class GoTime {
  constructor(readonly date: Date) {}

  /** Go's reference-time layout ("Mon Jan 2 15:04:05 MST 2006"), always in UTC like Prometheus. */
  Format(layout: unknown): string {
    const d = this.date;
    const p = (n: number, w = 2): string => String(n).padStart(w, '0');
    const h = d.getUTCHours();
    return String(layout).replace(LAYOUT_TOKENS, (t) => {
      if (t.startsWith('.0')) return '.' + p(d.getUTCMilliseconds(), 3).padEnd(t.length - 1, '0').slice(0, t.length - 1);
      if (t.startsWith('.9')) {
        const frac = p(d.getUTCMilliseconds(), 3).replace(/0+$/, '').slice(0, t.length - 1);
        return frac ? '.' + frac : '';
      }
      switch (t) {
        case '2006': return p(d.getUTCFullYear(), 4);
        case '06': return p(d.getUTCFullYear() % 100);
        case 'January': return MONTHS[d.getUTCMonth()]!;
        case 'Jan': return MONTHS[d.getUTCMonth()]!.slice(0, 3);
        case '01': return p(d.getUTCMonth() + 1);
        case '1': return String(d.getUTCMonth() + 1);
        case 'Monday': return DAYS[d.getUTCDay()]!;
        case 'Mon': return DAYS[d.getUTCDay()]!.slice(0, 3);
        case '02': return p(d.getUTCDate());
        case '_2': return String(d.getUTCDate()).padStart(2, ' ');
        case '2': return String(d.getUTCDate());
        case '15': return p(h);
        case '03': return p(h % 12 === 0 ? 12 : h % 12);
        case '3': return String(h % 12 === 0 ? 12 : h % 12);
        case '04': return p(d.getUTCMinutes());
        case '4': return String(d.getUTCMinutes());
        case '05': return p(d.getUTCSeconds());
        case '5': return String(d.getUTCSeconds());
        case 'PM': return h >= 12 ? 'PM' : 'AM';
        case 'pm': return h >= 12 ? 'pm' : 'am';
        case 'MST': return 'UTC';
        case 'Z07:00':
        case 'Z0700': return 'Z';
        case '-07:00': return '+00:00';
        case '-0700': return '+0000';
        default: return t;
      }
    });
  }

  Unix(): bigint {
    return BigInt(Math.floor(this.date.getTime() / 1000));
  }

  UnixMilli(): bigint {
    return BigInt(this.date.getTime());
  }

  UTC(): GoTime {
    return this;
  }

  String(): string {
    return formatGoTime(this.date);
  }

  toString(): string {
    return formatGoTime(this.date);
  }
}
