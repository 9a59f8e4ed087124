#!/usr/bin/env bash
# Vendor the front-end assets used by the Django templates into static/vendor/.
#
# Every asset comes from the npm registry (never from a CDN): each package is
# fetched with `npm pack <pkg>@<exact version>` into a temporary directory, its
# tarball is checked against the sha512 integrity pinned below, extracted, and
# only the needed dist files (+ their .map files) and the package's LICENSE
# file(s) are copied to static/vendor/<name>-<version>/.
#
# Idempotent: each package is assembled in a staging directory first; only when
# every package has been fetched and checked are the target directories
# replaced. Any other version directory of the same name
# (e.g. static/vendor/bootstrap-5.3.7/) is removed. Re-running gives the same
# tree. static/vendor/README.md is regenerated from the table below.
#
# sourceMappingURL handling: Django's ManifestStaticFilesStorage (and so
# whitenoise's CompressedManifestStaticFilesStorage) rewrites every
# `sourceMappingURL=` comment in .js/.css files during collectstatic and
# aborts with MissingFileError when the referenced file does not exist. So for
# every copied .js/.css file the script checks that each sourceMappingURL
# target exists next to it; if the package does not ship that map, the comment
# is stripped (and reported). At the pinned versions nothing needs stripping:
# bootstrap, chart.js and leaflet ship their maps; chartjs-chart-sankey.min.js,
# htmx.min.js and axe.min.js ship no map and carry no sourceMappingURL comment. The
# script also checks that relative url(...) references in the copied CSS
# (leaflet.css -> images/*.png) resolve, and fails otherwise.
#
# To upgrade a package: change its version below, set its integrity to the
# value printed by `npm view <pkg>@<version> dist.integrity`, and re-run.
#
# Usage: bash scripts/vendor.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$ROOT/static/vendor"

# --- pinned packages ---------------------------------------------------------
# Versions are exact; integrity is the registry's dist.integrity of the tarball.
BOOTSTRAP_VERSION="5.3.9"
BOOTSTRAP_INTEGRITY="sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
CHARTJS_VERSION="4.6.1"
CHARTJS_INTEGRITY="sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g=="
SANKEY_VERSION="0.19.1"
SANKEY_INTEGRITY="sha512-X87xs4ZpvWVre9/mqtjIXwFPoDcv1okaqolWckoPObxB0vwNdv12ISAtJS1Se4xl64o60jDkqEzQjsU6KcK2Dg=="
LEAFLET_VERSION="1.9.4"
LEAFLET_INTEGRITY="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
HTMX_VERSION="2.0.11"
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
AXE_VERSION="4.14.1"
AXE_INTEGRITY="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

# Keep npm quiet and side-effect free.
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

command -v npm >/dev/null || { echo "vendor.sh: npm is required (apt-get install npm)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "vendor.sh: openssl is required" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
STAGE="$TMP/stage"
mkdir -p "$STAGE"

# Rows for the summary / README: dir|npm package|version|licence|files
SUMMARY_ROWS=()
# Names of the staged directories, with the prefix used to find older versions.
STAGED_DIRS=()
STAGED_PREFIXES=()

log() { printf '==> %s\n' "$*"; }
die() { printf 'vendor.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# fetch PKG VERSION INTEGRITY -> extracts to $TMP/src/PKG@VERSION/package, sets PKG_ROOT
fetch() {
  local pkg="$1" ver="$2" integrity="$3"
  local work="$TMP/src/$pkg@$ver"
  mkdir -p "$work"
  log "npm pack $pkg@$ver"
  (cd "$work" && npm pack --silent --ignore-scripts "$pkg@$ver" >/dev/null)
  local tgz
  tgz="$(find "$work" -maxdepth 1 -name '*.tgz' -print -quit)"
  [[ -n "$tgz" ]] || die "npm pack produced no tarball for $pkg@$ver"
  local actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | openssl base64 -A)"
  [[ "$actual" == "$integrity" ]] || die "integrity mismatch for $pkg@$ver: got $actual, expected $integrity"
  tar -xzf "$tgz" -C "$work"
  PKG_ROOT="$work/package"
  local got_ver
  got_ver="$(node -p "require('$PKG_ROOT/package.json').version")"
  [[ "$got_ver" == "$ver" ]] || die "$pkg: package.json says $got_ver, expected $ver"
}

# put SRC DEST: copy package file SRC (relative to PKG_ROOT) to DEST (relative to the staged dir)
put() {
  local src="$PKG_ROOT/$1" dest="$CUR_STAGE/$2"
  [[ -f "$src" ]] || die "missing file in package: $1"
  mkdir -p "$(dirname "$dest")"
  cp "$src" "$dest"
}

# put_with_map SRC DEST: as put, plus SRC.map -> DEST.map when the package ships it
put_with_map() {
  put "$1" "$2"
  if [[ -f "$PKG_ROOT/$1.map" ]]; then
    put "$1.map" "$2.map"
  fi
}

# put_licenses: copy every LICENSE*/LICENCE* file at the package root
put_licenses() {
  local f found=0
  for f in "$PKG_ROOT"/LICEN[CS]E*; do
    [[ -f "$f" ]] || continue
    cp "$f" "$CUR_STAGE/"
    found=1
  done
  [[ $found -eq 1 ]] || die "no LICENSE file in package $(basename "$(dirname "$PKG_ROOT")")"
}

# begin DIRNAME PREFIX: start staging static/vendor/DIRNAME; PREFIX-<digit>* are older versions
begin() {
  CUR_STAGE="$STAGE/$1"
  rm -rf "$CUR_STAGE"
  mkdir -p "$CUR_STAGE"
  STAGED_DIRS+=("$1")
  STAGED_PREFIXES+=("$2")
}

# finish PKG VERSION: record the row for the summary
finish() {
  local pkg="$1" ver="$2" licence files
  licence="$(node -p "require('$PKG_ROOT/package.json').license")"
  files="$(cd "$CUR_STAGE" && find . -type f | sed 's#^\./##' | LC_ALL=C sort | paste -sd ' ' -)"
  SUMMARY_ROWS+=("$(basename "$CUR_STAGE")|$pkg|$ver|$licence|$files")
}

# --- bootstrap ----------------------------------------------------------------
fetch bootstrap "$BOOTSTRAP_VERSION" "$BOOTSTRAP_INTEGRITY"
begin "bootstrap-$BOOTSTRAP_VERSION" "bootstrap"
put_with_map dist/css/bootstrap.min.css css/bootstrap.min.css
put_with_map dist/js/bootstrap.bundle.min.js js/bootstrap.bundle.min.js
put_licenses
finish bootstrap "$BOOTSTRAP_VERSION"

# --- chart.js -------------------------------------------------------------------
fetch chart.js "$CHARTJS_VERSION" "$CHARTJS_INTEGRITY"
begin "chartjs-$CHARTJS_VERSION" "chartjs"
if [[ -f "$PKG_ROOT/dist/chart.umd.min.js" ]]; then
  put_with_map dist/chart.umd.min.js chart.umd.min.js
else
  # Older 4.x releases ship only the (already minified) chart.umd.js.
  put_with_map dist/chart.umd.js chart.umd.js
fi
put_licenses
finish chart.js "$CHARTJS_VERSION"

# --- chartjs-chart-sankey -------------------------------------------------------
# UMD build; needs the Chart.js UMD build loaded first and registers itself.
fetch chartjs-chart-sankey "$SANKEY_VERSION" "$SANKEY_INTEGRITY"
begin "chartjs-chart-sankey-$SANKEY_VERSION" "chartjs-chart-sankey"
put_with_map dist/chartjs-chart-sankey.min.js chartjs-chart-sankey.min.js
put_licenses
finish chartjs-chart-sankey "$SANKEY_VERSION"

# --- leaflet ----------------------------------------------------------------------
# leaflet.css references images/*.png relatively, so images/ sits next to it.
fetch leaflet "$LEAFLET_VERSION" "$LEAFLET_INTEGRITY"
begin "leaflet-$LEAFLET_VERSION" "leaflet"
put_with_map dist/leaflet.js leaflet.js
put dist/leaflet.css leaflet.css
for img in "$PKG_ROOT"/dist/images/*; do
  put "dist/images/$(basename "$img")" "images/$(basename "$img")"
done
put_licenses
finish leaflet "$LEAFLET_VERSION"

# --- htmx ---------------------------------------------------------------------------
# htmx.org 2.0.x ships no source map for htmx.min.js (and no sourceMappingURL comment).
fetch htmx.org "$HTMX_VERSION" "$HTMX_INTEGRITY"
begin "htmx-$HTMX_VERSION" "htmx"
put_with_map dist/htmx.min.js htmx.min.js
put_licenses
finish htmx.org "$HTMX_VERSION"

# --- axe-core (browser tests only) ---------------------------------------------------
fetch axe-core "$AXE_VERSION" "$AXE_INTEGRITY"
begin "axe-core-$AXE_VERSION" "axe-core"
put_with_map axe.min.js axe.min.js
put_licenses
finish axe-core "$AXE_VERSION"

# --- sourceMappingURL / url() checks on the staged files -------------------------------
# For each .js/.css: every `sourceMappingURL=<target>` (not a data: URI) must
# name a file next to it; if the package did not ship it, strip the comment so
# that collectstatic with ManifestStaticFilesStorage does not fail.
log "checking sourceMappingURL comments and CSS url() references"
while IFS= read -r -d '' f; do
  dir="$(dirname "$f")"
  mapfile -t map_urls < <(grep -oE '[#@] sourceMappingURL=[^[:space:]*"'"'"']+' "$f" | sed -E 's/^[#@] sourceMappingURL=//' || true)
  for url in "${map_urls[@]}"; do
    [[ -z "$url" || "$url" == data:* ]] && continue
    target="${url%%[?#]*}"
    if [[ ! -f "$dir/$target" ]]; then
      echo "    ${f#"$STAGE"/}: map '$url' not shipped -> stripping sourceMappingURL comment"
      # CSS form: /*# sourceMappingURL=... */ ; JS form: //# sourceMappingURL=... (to end of line)
      sed -i -E 's#/\*[#@] sourceMappingURL=[^*]*\*/##g; s#//[#@] sourceMappingURL=.*$##' "$f"
    fi
  done
  if grep -qE '[#@] sourceMappingURL=' "$f"; then
    # Re-check after stripping: every remaining reference must resolve.
    while IFS= read -r url; do
      [[ "$url" == data:* ]] && continue
      [[ -f "$dir/${url%%[?#]*}" ]] || die "${f#"$STAGE"/}: dangling sourceMappingURL=$url"
    done < <(grep -oE '[#@] sourceMappingURL=[^[:space:]*"'"'"']+' "$f" | sed -E 's/^[#@] sourceMappingURL=//')
  fi
  if [[ "$f" == *.css ]]; then
    while IFS= read -r url; do
      url="${url#url(}"; url="${url%)}"; url="${url#[\"\']}"; url="${url%[\"\']}"
      case "$url" in
        data:*|'#'*|http:*|https:*|//*|/*|'') continue ;;
      esac
      [[ -f "$dir/${url%%[?#]*}" ]] || die "${f#"$STAGE"/}: url($url) does not resolve"
    done < <(grep -oE 'url\([^)]*\)' "$f" || true)
  fi
done < <(find "$STAGE" -type f \( -name '*.js' -o -name '*.css' \) -print0)

# --- install: replace target dirs, remove older versions --------------------------------
mkdir -p "$VENDOR_DIR"
for i in "${!STAGED_DIRS[@]}"; do
  name="${STAGED_DIRS[$i]}"
  prefix="${STAGED_PREFIXES[$i]}"
  # <prefix>-<digit>* only, so "chartjs" never matches "chartjs-chart-sankey-*".
  for old in "$VENDOR_DIR/$prefix"-[0-9]*; do
    [[ -d "$old" ]] || continue
    if [[ "$(basename "$old")" != "$name" ]]; then
      log "removing older version static/vendor/$(basename "$old")"
    fi
    rm -rf "$old"
  done
  mv "$STAGE/$name" "$VENDOR_DIR/$name"
done

# --- README ----------------------------------------------------------------------------------
{
  echo "# Vendored front-end assets"
  echo
  echo "Generated by \`scripts/vendor.sh\` — do not edit by hand; change the pinned"
  echo "versions in the script instead. Every file comes from the npm registry"
  echo "(\`npm pack <package>@<version>\`, tarball checked against its pinned sha512"
  echo "integrity); no CDN is used at build or run time."
  echo
  echo "Reproduce with \`bash scripts/vendor.sh\`."
  echo
  echo "| Name | Version | Licence | Source (npm package) | Files (under \`static/vendor/<dir>/\`) |"
  echo "| --- | --- | --- | --- | --- |"
  for row in "${SUMMARY_ROWS[@]}"; do
    IFS='|' read -r dir pkg ver licence files <<<"$row"
    echo "| \`$dir\` | $ver | $licence | \`$pkg\` | $(sed -E 's/([^ ]+)/`\1`/g; s/ /, /g' <<<"$files") |"
  done
  echo
  echo "## Notes"
  echo
  echo "- Each directory keeps the package's own licence file(s) next to the assets"
  echo "  (axe-core also ships \`LICENSE-3RD-PARTY.txt\` for code bundled into \`axe.min.js\`)."
  echo "- Every \`sourceMappingURL\` comment in the vendored .js/.css points to a .map file"
  echo "  in the same directory (required by whitenoise's"
  echo "  \`CompressedManifestStaticFilesStorage\`, which fails with \`MissingFileError\`"
  echo "  otherwise). \`htmx.min.js\`, \`axe.min.js\` and \`chartjs-chart-sankey.min.js\` ship no map and carry no such comment."
  echo "- \`leaflet.css\` references \`images/*.png\` relatively; keep \`images/\` next to it."
  echo "  With hashed file names (ManifestStaticFilesStorage) Leaflet cannot auto-detect its"
  echo "  default marker icon path, so set it explicitly in the page, e.g."
  echo "  \`L.Icon.Default.imagePath = ''; L.Icon.Default.mergeOptions({iconUrl: \"{% static 'vendor/leaflet-$LEAFLET_VERSION/images/marker-icon.png' %}\", iconRetinaUrl: \"{% static 'vendor/leaflet-$LEAFLET_VERSION/images/marker-icon-2x.png' %}\", shadowUrl: \"{% static 'vendor/leaflet-$LEAFLET_VERSION/images/marker-shadow.png' %}\"});\`"
  echo "- \`chartjs-chart-sankey.min.js\` is a UMD build: load it after \`chart.umd.min.js\`."
  echo "  It calls \`Chart.register(SankeyController, Flow)\` itself, so \`type: 'sankey'\`"
  echo "  works right away; its exports are on the global \`window['chartjs-chart-sankey']\`."
  echo "- \`axe-core\` is used only by the browser tests."
} >"$VENDOR_DIR/README.md"

# --- summary -----------------------------------------------------------------------------------
echo
echo "Vendored into ${VENDOR_DIR#"$ROOT"/}/:"
for row in "${SUMMARY_ROWS[@]}"; do
  IFS='|' read -r dir pkg ver licence files <<<"$row"
  printf '  %-32s %-22s %-8s %-14s\n' "$dir" "$pkg" "$ver" "$licence"
  (cd "$VENDOR_DIR/$dir" && find . -type f -printf '%P\t%s\n' | LC_ALL=C sort \
    | awk -F'\t' '{ printf "      %-40s %10d bytes\n", $1, $2 }')
done
echo "  README: ${VENDOR_DIR#"$ROOT"/}/README.md"
