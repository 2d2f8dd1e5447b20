#!/usr/bin/perl
# Sisimai's score on the flufl.bounce corpus, to set beside listd's and
# flufl.bounce's: the cases where Debian's libsisimai-perl finds exactly the
# expected set of addresses (domain compared case-insensitively) in the
# expected class (softbounce 1 = temporary, else permanent), the rule
# tests/inbound/bounce_conformance_test.cc applies to listd's parser.
#
# Usage: perl scripts/sisimai_score.pl [CORPUS_DIR] [-v]
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Spec;
use Sisimai;

my $verbose = grep { $_ eq '-v' } @ARGV;
my @args = grep { $_ ne '-v' } @ARGV;
my $corpus = $args[0] // File::Spec->catdir(dirname(File::Spec->rel2abs($0)),
    '..', '..', 'shared', 'testsuites', 'bounces', 'flufl-bounce');

sub normal {
    my ($address) = @_;
    my ($local, $domain) = $address =~ /^(.*)\@([^@]*)$/ or return $address;
    return $local . '@' . lc $domain;
}

my ($cases, $exact, $addresses_only) = (0, 0, 0);
open my $table, '<', "$corpus/EXPECTED.tsv" or die "EXPECTED.tsv: $!";
while (my $line = <$table>) {
    chomp $line;
    next if $line eq '' || $line =~ /^#/;
    my ($name, $class, $list) = split /\t/, $line;
    my %want = map { normal($_) => 1 } grep { length } split /,/, ($list // '');
    $cases++;
    my $found = eval { Sisimai->make("$corpus/data/$name") } || [];
    my (%got, $class_right);
    $class_right = 1;
    for my $data (@$found) {
        $got{ normal($data->recipient->address) } = 1;
        my $temporary = ($data->softbounce // 0) == 1;
        $class_right = 0 if $temporary != ($class eq 'temporary');
    }
    my $same = join(',', sort keys %got) eq join(',', sort keys %want);
    $addresses_only++ if $same;
    if ($same && $class_right) {
        $exact++;
    } elsif ($verbose) {
        print "miss $name $class [", join(' ', sort keys %got), "]\n";
    }
}
print "sisimai: $exact of $cases exactly right (addresses and class), $addresses_only with the right addresses\n";
