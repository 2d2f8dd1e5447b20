#!/usr/bin/perl
# Mail::DKIM as an independent DKIM peer for listd's interop tests.
#
# Signs and verifies messages with Debian's libmail-dkim-perl, fetching keys
# from a real DNS server on 127.0.0.1 through Net::DNS. It speaks the same
# JSON-line jobs as peer_dkimpy.py (see there), so one process handles the
# whole test matrix:
#
#   peer_maildkim.pl --dns 127.0.0.1:PORT serve < jobs.jsonl > answers.jsonl
#   peer_maildkim.pl --dns 127.0.0.1:PORT job '{"op":"verify","in":"m.eml"}'
#
# Ed25519 (RFC 8463): Mail::DKIM gained ed25519-sha256 only after the
# version in Debian 12 (1.20230212 knows rsa-sha1 and rsa-sha256). When the
# installed Mail::DKIM lacks it, this script plugs in a small algorithm
# class of its own: Mail::DKIM still parses, selects and canonicalizes the
# header fields and the body and hashes them with SHA-256; the class only
# signs or verifies that 32-byte hash with PureEdDSA (RFC 8463 section 3)
# through CryptX (libcryptx-perl, libtomcrypt: not OpenSSL, so still a
# different implementation from listctl's), and teaches the key record
# parser k=ed25519 with p= as the raw 32-byte public key (section 4).
# Answers say "ed25519_shim": 1 when the shim is in use.
#
# Keys are read as listctl writes them: PKCS#8 PEM.

use strict;
use warnings;

use Crypt::OpenSSL::RSA;
use Digest::SHA;
use Getopt::Long;
use JSON::PP;
use MIME::Base64;
use Mail::DKIM::DNS;
use Mail::DKIM::PrivateKey;
use Mail::DKIM::PublicKey;
use Mail::DKIM::Signature;
use Mail::DKIM::Signer;
use Mail::DKIM::Verifier;
use Net::DNS::Resolver;

my $ED25519_SHIM = 0;

# ---------------------------------------------------------------------------
# Ed25519 for a Mail::DKIM that lacks it.

package ListdInterop::Ed25519Key;
# An Ed25519 key (public or private) where Mail::DKIM expects a "cork":
# Mail::DKIM asks a cork for size() when it weighs key strength.

sub new {
    my ( $class, $pk ) = @_;
    return bless { pk => $pk }, $class;
}
sub size        { return 32 }
sub pk          { return $_[0]{pk} }
sub is_ed25519  { return 1 }

package ListdInterop::Ed25519Sha256;
# ed25519-sha256: both hashes are SHA-256; the signature is Ed25519 over the
# header hash (RFC 8463 section 3), not over the hashed data itself.
use base 'Mail::DKIM::Algorithm::Base';
use MIME::Base64;

sub init_digests {
    my $self = shift;
    $self->{header_digest} = Digest::SHA->new(256);
    $self->{body_digest}   = Digest::SHA->new(256);
}

sub sign {
    my ( $self, $private_key ) = @_;
    my $cork = $private_key->cork;
    die "ed25519-sha256 needs an Ed25519 private key\n"
      unless ref $cork && $cork->isa('ListdInterop::Ed25519Key');
    my $digest = $self->{header_digest}->digest;
    return encode_base64( $cork->pk->sign_message($digest), '' );
}

sub verify {
    my $self       = shift;
    my $public_key = $self->signature->get_public_key;
    my $cork       = $public_key->cork;
    unless ( ref $cork && $cork->isa('ListdInterop::Ed25519Key') ) {
        $@ = 'key record is not k=ed25519';
        return;
    }
    my $digest = $self->{header_digest}->digest;
    my $sig    = decode_base64( $self->signature->data );
    unless ( $cork->pk->verify_message( $sig, $digest ) ) {
        $@ = 'message has been altered';
        return;
    }
    return $self->check_body_hash;
}

sub wants_pre_signature_headers { return 1 }

package main;

# Installs the shim unless Mail::DKIM already knows ed25519-sha256.
sub install_ed25519_shim {
    return if Mail::DKIM::Signature->new->get_algorithm_class('ed25519-sha256');
    require Crypt::PK::Ed25519;
    $ED25519_SHIM = 1;
    no warnings 'redefine';

    my $algorithm_class = \&Mail::DKIM::Signature::get_algorithm_class;
    *Mail::DKIM::Signature::get_algorithm_class = sub {
        my ( $self, $algorithm ) = @_;
        return 'ListdInterop::Ed25519Sha256' if $algorithm eq 'ed25519-sha256';
        return $algorithm_class->(@_);
    };
    my $hash_algorithm = \&Mail::DKIM::Signature::hash_algorithm;
    *Mail::DKIM::Signature::hash_algorithm = sub {
        my $self = shift;
        return 'sha256' if ( $self->algorithm // '' ) eq 'ed25519-sha256';
        return $hash_algorithm->( $self, @_ );
    };

    # Key records: k=ed25519 p=<base64 of 32 octets> (RFC 8463 section 4).
    my $check = \&Mail::DKIM::PublicKey::check;
    *Mail::DKIM::PublicKey::check = sub {
        my $self = shift;
        my $k    = $self->get_tag('k');
        return $check->( $self, @_ ) unless defined $k && $k eq 'ed25519';
        if ( my $v = $self->get_tag('v') ) {
            die "unsupported version\n" unless $v eq 'DKIM1';
        }
        my $p = $self->data;
        die "missing p= tag\n" unless defined $p;
        die "revoked\n" if $p eq '';
        die "invalid data\n" unless $p =~ /^[A-Za-z0-9+\/=]+$/;
        my $raw = decode_base64($p);
        die "ed25519 key is not 32 octets\n" unless length($raw) == 32;
        my $pk = Crypt::PK::Ed25519->new;
        $pk->import_key_raw( $raw, 'public' );
        $self->cork( ListdInterop::Ed25519Key->new($pk) );
        if ( my $s = $self->get_tag('s') ) {
            die "does not support email\n"
              unless grep { $_ eq '*' || $_ eq 'email' } split /:/, $s;
        }
        return 1;
    };
}

# ---------------------------------------------------------------------------
# Jobs.

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "cannot read $path: $!\n";
    local $/;
    my $data = <$fh>;
    close $fh;
    return $data;
}

# A Mail::DKIM::PrivateKey from a PKCS#8 PEM file of either kind.
sub load_private_key {
    my ( $path, $algo ) = @_;
    my $pem = slurp($path);
    if ( $algo eq 'ed25519-sha256' ) {
        require Crypt::PK::Ed25519;
        my $pk = Crypt::PK::Ed25519->new( \$pem );
        die "$path: not an Ed25519 private key\n" unless $pk->is_private;
        return Mail::DKIM::PrivateKey->load(
            Cork => ListdInterop::Ed25519Key->new($pk) );
    }
    return Mail::DKIM::PrivateKey->load(
        Cork => Crypt::OpenSSL::RSA->new_private_key($pem) );
}

sub do_sign {
    my ($job) = @_;
    my $message = slurp( $job->{in} );
    my $key = load_private_key( $job->{key}, $job->{algo} );
    my $signature = Mail::DKIM::Signature->new(
        Algorithm => $job->{algo},
        Method    => $job->{canon},
        Headers   => join( ':', @{ $job->{headers} } ),
        Domain    => $job->{domain},
        Selector  => $job->{selector},
        Key       => $key,
        Timestamp => time,
        ( $job->{identity} ? ( Identity => $job->{identity} ) : () ),
    );
    # A policy that adds exactly our signature, so h= is what the job says.
    my $signer = Mail::DKIM::Signer->new(
        Policy => sub { $_[0]->add_signature($signature); return 0 } );
    $signer->PRINT($message);
    $signer->CLOSE;
    die "Mail::DKIM did not sign: " . ( $signer->result // 'no result' ) . "\n"
      unless ( $signer->result // '' ) eq 'signed';
    my $field = $signer->signature->as_string;
    $field =~ s/\015?\012/\015\012/g;    # folded with bare LF by prettify
    open my $out, '>:raw', $job->{out} or die "cannot write $job->{out}: $!\n";
    print $out $field, "\015\012", $message;
    close $out;
    return { ok => JSON::PP::true };
}

sub do_verify {
    my ($job) = @_;
    my $message  = slurp( $job->{in} );
    my $verifier = Mail::DKIM::Verifier->new;
    $verifier->PRINT($message);
    $verifier->CLOSE;
    my @signatures;
    foreach my $sig ( $verifier->signatures ) {
        next unless $sig->isa('Mail::DKIM::Signature');    # not DomainKeys
        push @signatures, {
            d      => $sig->domain    // '',
            s      => $sig->selector  // '',
            a      => $sig->algorithm // '',
            result => $sig->result    // 'none',
            detail => $sig->result_detail // '',
        };
    }
    my @wanted = grep {
        ( !defined $job->{domain} || lc $_->{d} eq lc $job->{domain} )
          && ( !defined $job->{selector} || $_->{s} eq $job->{selector} )
    } @signatures;
    if ( @wanted > 1 && defined $job->{algo} ) {
        my @by_algo = grep { $_->{a} eq $job->{algo} } @wanted;
        @wanted = @by_algo if @by_algo;
    }
    return {
        ok         => JSON::PP::true,
        result     => @wanted ? $wanted[0]{result} : 'none',
        detail     => @wanted ? $wanted[0]{detail} : 'no matching signature',
        signatures => \@signatures,
    };
}

sub run_job {
    my ($job) = @_;
    my $answer;
    eval {
        if    ( $job->{op} eq 'sign' )   { $answer = do_sign($job) }
        elsif ( $job->{op} eq 'verify' ) { $answer = do_verify($job) }
        else { $answer = { ok => JSON::PP::false, error => "unknown op $job->{op}" } }
        1;
    } or do {
        my $error = $@ || 'unknown error';
        chomp $error;
        $answer = { ok => JSON::PP::false, error => $error };
    };
    $answer->{id}           = $job->{id};
    $answer->{ed25519_shim} = $ED25519_SHIM;
    return $answer;
}

sub main {
    my $dns = $ENV{LISTD_TEST_DNS};
    GetOptions( 'dns=s' => \$dns ) or die "usage: $0 [--dns HOST:PORT] serve|job JSON\n";
    my $mode = shift @ARGV // '';
    die "usage: $0 [--dns HOST:PORT] serve|job JSON\n"
      unless $mode eq 'serve' || ( $mode eq 'job' && @ARGV == 1 );
    die "--dns or LISTD_TEST_DNS is required\n" unless $dns;
    my ( $host, $port ) = $dns =~ /^(.*):(\d+)$/
      or die "--dns wants HOST:PORT, got $dns\n";
    # Only the test server, never the system's resolv.conf search list.
    my $resolver = Net::DNS::Resolver->new(
        nameservers => [$host],
        port        => $port,
        recurse     => 1,
        defnames    => 0,
        dnsrch      => 0,
        retry       => 2,
        retrans     => 1,
        udp_timeout => 5,
        tcp_timeout => 5,
    );
    $resolver->udppacketsize(4096);
    Mail::DKIM::DNS::resolver($resolver);
    install_ed25519_shim();

    my $json = JSON::PP->new->canonical->utf8;
    if ( $mode eq 'job' ) {
        print $json->pretty->encode( run_job( $json->decode( $ARGV[0] ) ) );
        return;
    }
    $| = 1;
    while ( my $line = <STDIN> ) {
        next unless $line =~ /\S/;
        print $json->encode( run_job( $json->decode($line) ) ), "\n";
    }
}

main();
