#!/bin/sh
# Installs what is needed, builds, and runs listd's main job on its embedded
# default. Until the daemon exists, that job is the DKIM engine itself: make
# a list key, publish it on a DNS server on 127.0.0.1, sign a sample post as
# the list would, and verify it as a receiver would.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
demo=var/demo
mkdir -p "$demo"
listctl=build/listd/listctl
for algo in rsa ed25519; do
  [ -f "$demo/$algo.pem" ] || "$listctl" dkim keygen --algo "$algo" --selector "demo-$algo" \
      --domain lists.example.org --out "$demo/$algo.pem" > "$demo/$algo.zone"
done
echo "== DNS records to publish"
cat "$demo/rsa.zone" "$demo/ed25519.zone"
"$listctl" dkim sign --domain lists.example.org \
    --selector demo-rsa --key "$demo/rsa.pem" \
    --selector demo-ed25519 --key "$demo/ed25519.pem" \
    < scripts/sample-post.eml > "$demo/signed.eml"
echo "== signed post ($demo/signed.eml)"
sed -n '1,/^\r\{0,1\}$/p' "$demo/signed.eml"
echo "== verified through a DNS server on 127.0.0.1 serving the records"
# The zone-file lines become the DNS server's "name<TAB>strings" table.
sed 's/\. IN TXT ( \(.*\) )$/\t\1/' "$demo/rsa.zone" "$demo/ed25519.zone" > "$demo/records.tsv"
/usr/bin/python3 tests/support/dns_server.py --records "$demo/records.tsv" -- \
    sh -c "\"$listctl\" dkim verify --dns \"\$LISTD_TEST_DNS\" --authserv-id demo.listd < \"$demo/signed.eml\""
echo "== a list in the store (var/listd.db, its master key var/listd.db.key)"
list=demo@lists.example.org
"$listctl" list show "$list" >/dev/null 2>&1 ||
  "$listctl" list create "$list" --name "Demo list" --owner alice@lists.example.org
"$listctl" list show "$list"
echo "== what a receiver would find wrong with its signing so far"
"$listctl" doctor "$list" --dns 127.0.0.1:9 --timeout 500 || true
