#!/usr/bin/env bash
# Builds bin/ferretdb: main.go with FerretDB v1.24.2 and the fixes in patches/ (see its README),
# applied in the order of patches/series.
#
# The patches are applied to a copy of the module that a Go workspace (bin/go.work) puts in its
# place, so go.mod and go.sum keep naming the module exactly as the Go proxy serves it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

module=github.com/FerretDB/FerretDB
go mod download "$module"
module_dir="$(go list -m -f '{{.Dir}}' "$module")"

# A copy of the module with the patches applied, in place of the module (a workspace's replace).
source_dir="$PWD/bin/FerretDB"
rm -rf "$source_dir"
mkdir -p bin
cp -r "$module_dir" "$source_dir"
chmod -R u+w "$source_dir"
# In the order patches/series lists them (later ones build on earlier ones), as quilt does.
# Blank lines and # comments are skipped, and a patch the series leaves out is an error.
applied=()
while read -r patch_name; do
  [[ -z "$patch_name" || "$patch_name" == \#* ]] && continue
  patch --quiet --forward -d "$source_dir" -p1 <"patches/$patch_name"
  applied+=("$patch_name")
done <patches/series
for patch_file in patches/*.patch; do
  if [[ " ${applied[*]} " != *" ${patch_file#patches/} "* ]]; then
    echo "build.sh: $patch_file is not listed in patches/series" >&2
    exit 1
  fi
done
cat >bin/go.work <<WORK
go 1.24

use $PWD

replace $module => $source_dir
WORK

# To a temporary name, so that an interrupted build leaves no broken binary behind.
GOWORK="$PWD/bin/go.work" CGO_ENABLED=0 go build -trimpath -o bin/ferretdb.tmp .
mv bin/ferretdb.tmp bin/ferretdb
