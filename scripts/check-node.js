/* global __dirname */
/*
 * scripts/check-node: refuses, with a clear message, a Node.js older than package.json's `engines.node`,
 * before anything loads a native module (better-sqlite3 built for a newer Node crashes an old one with a
 * segmentation fault). Run by npm before install, start, quickstart and dev. Written in old syntax (var,
 * no arrow functions, no optional chaining) so that any Node.js can parse it and print the message.
 */
var path = require('path');

var wanted = require(path.join(__dirname, '..', 'package.json')).engines.node; // e.g. ">=22.22"
var minimum = wanted.replace(/^[^0-9]*/, '').split('.');
var running = process.versions.node.split('.');

function tooOld() {
  for (var i = 0; i < minimum.length; i += 1) {
    var have = Number(running[i] || 0);
    var need = Number(minimum[i] || 0);
    if (have !== need) return have < need;
  }
  return false;
}

if (tooOld()) {
  console.error(
    [
      '',
      'Dear Congress needs Node.js ' + minimum.join('.') + ' or newer (24 LTS recommended);',
      'this is Node.js ' + process.versions.node + ' (' + process.execPath + ').',
      '',
      'On Debian or Ubuntu, without root, next to the system Node.js:',
      '  npm install -g --prefix ~/.node24 node@24',
      '  export PATH="$HOME/.node24/bin:$PATH"   # add this line to ~/.profile too',
      'or with nvm (https://github.com/nvm-sh/nvm): nvm install 24',
      'or system-wide from NodeSource: https://github.com/nodesource/distributions',
      '',
      'Then run the command again (after `rm -rf node_modules` if it was installed with the old Node).',
      '',
    ].join('\n')
  );
  process.exit(1);
}
