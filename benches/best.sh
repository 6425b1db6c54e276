# Sourced by the benchmarks: `best COMMAND...` runs the command 3 times and prints
# "wall-seconds cpu-seconds peak-KiB" of the fastest run. Needs `$tmp` (a scratch
# folder). A command that fails stops the benchmark with its output.
best() {
  local best="" cpu="" mem=0 wall user sys kb
  for run in 1 2 3; do
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" > "$tmp/out" 2>&1 || {
      # `planck check` exits 1 when it finds errors; the plans are meant to be clean.
      echo "failed: $*" >&2
      tail -n 20 "$tmp/out" >&2
      exit 1
    }
    read -r wall user sys kb < <(tail -n 1 "$tmp/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then
      best=$wall
      cpu=$(awk "BEGIN{printf \"%.2f\", $user + $sys}")
      mem=$kb
    fi
  done
  echo "$best $cpu $mem"
}
