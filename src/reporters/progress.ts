/**
 * A one-line progress indicator on stderr while slow checks run, only on a TTY, so that
 * pipes and the JSON on stdout stay clean.
 */
export interface Progress {
  update(event: { type: 'start' | 'end'; title: string; done: number; total: number }): void;
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const running = new Set<string>();
  let done = 0;
  let total = 0;
  let frame = 0;
  const draw = () => {
    const names = [...running].slice(0, 2).join(', ');
    const line = `${FRAMES[frame++ % FRAMES.length]} checking ${done}/${total}${names ? `: ${names}` : ''}`;
    stream.write(`\r\u001b[2K${line.slice(0, (stream.columns || 80) - 1)}`);
  };
  // Only start drawing after a short delay: a fast run should not flicker.
  let timer: NodeJS.Timeout | undefined;
  const start = setTimeout(() => {
    timer = setInterval(draw, 100);
    timer.unref();
  }, 250);
  start.unref();
  return {
    update(event) {
      done = event.done;
      total = event.total;
      if (event.type === 'start') running.add(event.title);
      else running.delete(event.title);
    },
    stop() {
      clearTimeout(start);
      if (timer) {
        clearInterval(timer);
        stream.write('\r\u001b[2K');
      }
    },
  };
}
