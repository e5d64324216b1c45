#pragma once
// The "drunken bishop" picture ssh-keygen prints with -lv and after generating a key: a 17x9 field framed by
// a title ("[ED25519 256]") on top and the hash label ("[SHA256]") below, matched byte for byte.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sshkit::fingerprint {

// digest_bytes: the raw digest of the public blob (the same hash as the fingerprint shown with it).
// type_name: the short type as ssh-keygen prints it ("RSA", "ECDSA", "ED25519", "ED25519-CERT").
// bits: the key size shown in the title; 0 means no size ("[TYPE]"). As in ssh-keygen, a title longer than 17
// characters drops the size, and a bare "[TYPE]" of 17 or more loses its tail ("[ED25519-SK-CERT").
// hash_label: the footer text, e.g. hash_label(HashAlg::sha256) == "SHA256".
// Returns 11 lines joined by '\n' with no trailing newline; callers add one.
std::string randomart(std::span<const std::uint8_t> digest_bytes, std::string_view type_name, std::size_t bits,
                      std::string_view hash_label);

} // namespace sshkit::fingerprint
