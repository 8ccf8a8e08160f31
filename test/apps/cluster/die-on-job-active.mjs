// Preloaded (node --import) into one `margin-engine worker` process by the SIGKILL test: the process
// kills itself with SIGKILL right after its log line saying it has taken a job is written, so the
// job is always mid-flight (locked, not completed) when the worker dies, however loaded the machine
// is. pino's stdout destination writes with fs.writeSync or fs.write on fd 1; both are wrapped.
import fs from 'node:fs';

const isJobActive = (fd, data) => fd === 1 && String(data).includes('"msg":"job active"');

const writeSync = fs.writeSync;
fs.writeSync = function (fd, data, ...rest) {
  const n = writeSync.call(this, fd, data, ...rest);
  if (isJobActive(fd, data)) process.kill(process.pid, 'SIGKILL');
  return n;
};

const write = fs.write;
fs.write = function (fd, data, ...rest) {
  if (!isJobActive(fd, data)) return write.call(this, fd, data, ...rest);
  const cb = rest.pop();
  return write.call(this, fd, data, ...rest, (...args) => {
    process.kill(process.pid, 'SIGKILL');
    cb(...args);
  });
};
