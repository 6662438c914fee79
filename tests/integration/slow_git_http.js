// A git smart-HTTP server on 127.0.0.1 that sends packs slowly, for tests of
// what prismsync does while a clone is in flight (a signal, say).
//
//   node slow_git_http.js REPO_DIR BYTES_PER_SECOND
//
// Serves REPO_DIR (a repository) at http://127.0.0.1:PORT/repo.git through
// `git upload-pack --stateless-rpc`; prints PRISMSYNC_GIT_URL=<url> when
// ready, and "pack started" on stderr when a pack starts to flow.
'use strict';
const http = require('http');
const { spawn } = require('child_process');

const [repo, rateArg] = process.argv.slice(2);
const rate = Number(rateArg) || 65536;
const chunk = Math.max(1, Math.floor(rate / 10));

function pktLine(s) {
  return (s.length + 4).toString(16).padStart(4, '0') + s;
}

// Sends the child's output at `rate` bytes per second, 10 chunks a second.
function throttle(child, res) {
  const pending = [];
  let ended = false;
  child.stdout.on('data', (d) => pending.push(d));
  child.stdout.on('end', () => { ended = true; });
  const timer = setInterval(() => {
    let budget = chunk;
    while (budget > 0 && pending.length) {
      const head = pending[0];
      const n = Math.min(budget, head.length);
      res.write(head.subarray(0, n));
      budget -= n;
      if (n === head.length) pending.shift();
      else pending[0] = head.subarray(n);
    }
    if (ended && !pending.length) {
      clearInterval(timer);
      res.end();
    }
  }, 100);
  res.on('close', () => { clearInterval(timer); child.kill(); });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/repo.git/info/refs' &&
      url.searchParams.get('service') === 'git-upload-pack') {
    const child = spawn('git', ['upload-pack', '--stateless-rpc', '--advertise-refs', repo]);
    res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-advertisement',
      'Cache-Control': 'no-cache' });
    res.write(pktLine('# service=git-upload-pack\n') + '0000');
    child.stdout.pipe(res);
    return;
  }
  if (req.method === 'POST' && url.pathname === '/repo.git/git-upload-pack') {
    const child = spawn('git', ['upload-pack', '--stateless-rpc', repo]);
    req.pipe(child.stdin);
    res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-result',
      'Cache-Control': 'no-cache' });
    process.stderr.write('pack started\n');
    throttle(child, res);
    return;
  }
  res.writeHead(404);
  res.end();
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PRISMSYNC_GIT_URL=http://127.0.0.1:${server.address().port}/repo.git\n`);
});
