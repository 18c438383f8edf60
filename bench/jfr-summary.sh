#!/bin/bash
# bench/jfr-summary.sh FILE.jfr [THREAD-SUBSTRING]: where the samples of a bench/run.sh --jfr recording
# went, by top frame (self) and by any frame in the top 12 (inclusive). Needs python3.
f=$1; filt=${2:-}
jfr print --events jdk.ExecutionSample --stack-depth 12 "$f" > /tmp/jfr.txt
python3 - "$filt" <<'PY'
import sys,re,collections
filt=sys.argv[1]
txt=open('/tmp/jfr.txt').read()
evs=txt.split('jdk.ExecutionSample')
top=collections.Counter(); incl=collections.Counter(); threads=collections.Counter(); n=0
for e in evs:
    m=re.search(r'sampledThread = "([^"]*)"',e)
    if not m: continue
    th=m.group(1)
    threads[th]+=1
    if filt and filt not in th: continue
    frames=re.findall(r'^\s+([\w$.<>/]+\.[\w$<>]+)\(',e,re.M)
    if not frames: continue
    n+=1
    top[frames[0]]+=1
    for f in set(frames): incl[f]+=1
print("threads:",threads.most_common(12))
print("samples",n)
print("--- self")
for f,c in top.most_common(30): print(f"{c:6d} {100*c/n:5.1f}% {f}")
print("--- inclusive (depth 12)")
for f,c in incl.most_common(45): print(f"{c:6d} {100*c/n:5.1f}% {f}")
PY
