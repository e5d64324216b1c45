# fish completion for sshkit. Installed as share/fish/vendor_completions.d/sshkit.fish. Kept in step with
# `sshkit CMD --help` by tests/lint/completions.sh: each flag line names its subcommand after
# __fish_seen_subcommand_from.

set -l sshkit_commands gen pub passwd comment convert fp randomart install uninstall list help

# No file names unless an option or a command asks for them.
complete -c sshkit -f
complete -c sshkit -n __fish_use_subcommand -s h -l help -d 'Print the options and exit'
complete -c sshkit -n __fish_use_subcommand -l version -d 'Print the version and exit'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a gen -d 'Generate a new key pair'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a pub -d 'Print the public key of a private key file'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a passwd -d 'Change, add or remove the passphrase of a private key'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a comment -d 'Change the comment of a private key and its .pub file'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a convert -d 'Convert a key between formats'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a fp -d 'Show the fingerprints of keys, authorized_keys and known_hosts files'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a randomart -d 'Draw the randomart picture of each key, with its fingerprint'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a install -d 'Add a public key to an authorized_keys file, locally or through ssh'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a uninstall -d 'Remove every line of a key from an authorized_keys file'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a list -d 'List the keys of an authorized_keys file and flag problems'
complete -c sshkit -n "not __fish_seen_subcommand_from $sshkit_commands" -a help -d 'Show help for sshkit or one of its commands'
complete -c sshkit -n '__fish_seen_subcommand_from help' -a 'gen pub passwd comment convert fp randomart install uninstall list'

# sshkit gen
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s t -l type -x -a 'ed25519 ecdsa rsa dsa' -d 'Key type'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s b -l bits -x -a '256 384 521 1024 2048 3072 4096' -d 'Key size in bits'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s C -l comment -x -d 'Comment stored in the key'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s f -l file -r -F -d 'Private key file to write'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s N -l new-passphrase -x -d "New passphrase, '' for none (visible in ps)"
complete -c sshkit -n '__fish_seen_subcommand_from gen' -l new-passphrase-file -r -F -d 'Read the new passphrase from this file'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -l new-passphrase-env -x -a '(set -n -x)' -d 'Read the new passphrase from this environment variable'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s a -l rounds -x -d 'bcrypt-pbkdf rounds for an encrypted key'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s m -l format -x -a 'openssh pem pkcs8' -d 'Private key file format'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s Z -l cipher -x -a 'aes256-ctr aes192-ctr aes128-ctr aes256-cbc aes192-cbc aes128-cbc 3des-cbc aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com none' -d 'Cipher for an encrypted key'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -l force -d 'Replace an existing key and .pub without asking'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -l json -d 'Print one JSON object instead of the transcript'
complete -c sshkit -n '__fish_seen_subcommand_from gen' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'

# sshkit pub
complete -c sshkit -n '__fish_seen_subcommand_from pub' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from pub' -s f -l file -r -F -d 'The private key file'
complete -c sshkit -n '__fish_seen_subcommand_from pub' -s P -l passphrase -x -d 'Passphrase of the key (visible in ps)'
complete -c sshkit -n '__fish_seen_subcommand_from pub' -l passphrase-file -r -F -d 'Read the passphrase from this file'
complete -c sshkit -n '__fish_seen_subcommand_from pub' -l passphrase-env -x -a '(set -n -x)' -d 'Read the passphrase from this environment variable'
complete -c sshkit -n '__fish_seen_subcommand_from pub' -l max-kdf-rounds -x -d 'Refuse keys whose bcrypt KDF asks for more rounds than this'
complete -c sshkit -n '__fish_seen_subcommand_from pub' -l max-argon2-work -x -d 'Refuse PuTTY v3 keys whose Argon2 costs more MiB x passes than this'
complete -c sshkit -n '__fish_seen_subcommand_from pub' -l max-pbkdf2-iterations -x -d 'Refuse PKCS#8 keys whose PBKDF2 asks for more iterations than this'
complete -c sshkit -n '__fish_seen_subcommand_from pub' -l json -d 'Print one JSON object'
complete -c sshkit -n '__fish_seen_subcommand_from pub' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'

# sshkit passwd
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -s f -l file -r -F -d 'The private key file'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -s P -l passphrase -x -d 'Passphrase of the key (visible in ps)'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -l passphrase-file -r -F -d 'Read the passphrase from this file'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -l passphrase-env -x -a '(set -n -x)' -d 'Read the passphrase from this environment variable'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -l max-kdf-rounds -x -d 'Refuse keys whose bcrypt KDF asks for more rounds than this'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -l max-argon2-work -x -d 'Refuse PuTTY v3 keys whose Argon2 costs more MiB x passes than this'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -l max-pbkdf2-iterations -x -d 'Refuse PKCS#8 keys whose PBKDF2 asks for more iterations than this'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -s N -l new-passphrase -x -d "New passphrase, '' for none (visible in ps)"
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -l new-passphrase-file -r -F -d 'Read the new passphrase from this file'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -l new-passphrase-env -x -a '(set -n -x)' -d 'Read the new passphrase from this environment variable'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -s a -l rounds -x -d 'KDF rounds for the new file'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -s Z -l cipher -x -a 'aes256-ctr aes192-ctr aes128-ctr aes256-cbc aes192-cbc aes128-cbc 3des-cbc aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com none' -d 'Cipher for the new file'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -l json -d 'Print one JSON object'
complete -c sshkit -n '__fish_seen_subcommand_from passwd' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'

# sshkit comment
complete -c sshkit -n '__fish_seen_subcommand_from comment' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from comment' -s f -l file -r -F -d 'The private key file'
complete -c sshkit -n '__fish_seen_subcommand_from comment' -s P -l passphrase -x -d 'Passphrase of the key (visible in ps)'
complete -c sshkit -n '__fish_seen_subcommand_from comment' -l passphrase-file -r -F -d 'Read the passphrase from this file'
complete -c sshkit -n '__fish_seen_subcommand_from comment' -l passphrase-env -x -a '(set -n -x)' -d 'Read the passphrase from this environment variable'
complete -c sshkit -n '__fish_seen_subcommand_from comment' -l max-kdf-rounds -x -d 'Refuse keys whose bcrypt KDF asks for more rounds than this'
complete -c sshkit -n '__fish_seen_subcommand_from comment' -l max-argon2-work -x -d 'Refuse PuTTY v3 keys whose Argon2 costs more MiB x passes than this'
complete -c sshkit -n '__fish_seen_subcommand_from comment' -l max-pbkdf2-iterations -x -d 'Refuse PKCS#8 keys whose PBKDF2 asks for more iterations than this'
complete -c sshkit -n '__fish_seen_subcommand_from comment' -s C -l comment -x -d "The new comment ('' removes it)"
complete -c sshkit -n '__fish_seen_subcommand_from comment' -l json -d 'Print one JSON object'
complete -c sshkit -n '__fish_seen_subcommand_from comment' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'

# sshkit convert
complete -c sshkit -n '__fish_seen_subcommand_from convert' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -s f -l file -r -F -d 'The key file to read'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l to -x -a 'openssh pem pkcs8 ppk ppk2 pub rfc4716 spki pkcs1' -d 'Output format'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -s o -l output -r -F -d 'Write to this file'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l stdout -d 'Print a private key on stdout'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -s C -l comment -x -d 'Comment for the output'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -s P -l passphrase -x -d 'Passphrase of the key (visible in ps)'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l passphrase-file -r -F -d 'Read the passphrase from this file'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l passphrase-env -x -a '(set -n -x)' -d 'Read the passphrase from this environment variable'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l max-kdf-rounds -x -d 'Refuse keys whose bcrypt KDF asks for more rounds than this'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l max-argon2-work -x -d 'Refuse PuTTY v3 keys whose Argon2 costs more MiB x passes than this'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l max-pbkdf2-iterations -x -d 'Refuse PKCS#8 keys whose PBKDF2 asks for more iterations than this'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -s N -l new-passphrase -x -d "New passphrase, '' for none (visible in ps)"
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l new-passphrase-file -r -F -d 'Read the new passphrase from this file'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l new-passphrase-env -x -a '(set -n -x)' -d 'Read the new passphrase from this environment variable'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -s a -l rounds -x -d 'bcrypt KDF rounds for an encrypted openssh output'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l force -d 'Replace an existing output file'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -l json -d 'Print one JSON object describing the file written'
complete -c sshkit -n '__fish_seen_subcommand_from convert' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'

# sshkit fp
complete -c sshkit -n '__fish_seen_subcommand_from fp' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from fp' -s E -l hash -x -a 'sha256 sha384 sha512 sha1 md5' -d 'Fingerprint hash'
complete -c sshkit -n '__fish_seen_subcommand_from fp' -s B -l bubblebabble -d 'Show the bubblebabble digest (SHA-1) instead'
complete -c sshkit -n '__fish_seen_subcommand_from fp' -l json -d 'Print one JSON object per key or problem (JSON Lines)'
complete -c sshkit -n '__fish_seen_subcommand_from fp' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'
complete -c sshkit -n '__fish_seen_subcommand_from fp' -s f -l file -r -F -d 'An input file (repeatable); - is standard input'
complete -c sshkit -n '__fish_seen_subcommand_from fp' -s v -l randomart -d 'Draw the randomart picture after each key'
complete -c sshkit -n '__fish_seen_subcommand_from fp' -s l -d "Ignored, for ssh-keygen's -l"
complete -c sshkit -n '__fish_seen_subcommand_from fp' -F

# sshkit randomart
complete -c sshkit -n '__fish_seen_subcommand_from randomart' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from randomart' -s E -l hash -x -a 'sha256 sha384 sha512 sha1 md5' -d 'Fingerprint hash'
complete -c sshkit -n '__fish_seen_subcommand_from randomart' -s B -l bubblebabble -d 'Show the bubblebabble digest (SHA-1) instead'
complete -c sshkit -n '__fish_seen_subcommand_from randomart' -l json -d 'Print one JSON object per key or problem (JSON Lines)'
complete -c sshkit -n '__fish_seen_subcommand_from randomart' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'
complete -c sshkit -n '__fish_seen_subcommand_from randomart' -s f -l file -r -F -d 'An input file (repeatable); - is standard input'
complete -c sshkit -n '__fish_seen_subcommand_from randomart' -F

# sshkit install
complete -c sshkit -n '__fish_seen_subcommand_from install' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from install' -s i -l identity -r -F -d 'The public key, or a private key'
complete -c sshkit -n '__fish_seen_subcommand_from install' -l key-options -x -d 'Options for the key line, as in authorized_keys'
complete -c sshkit -n '__fish_seen_subcommand_from install' -l replace -d "Make the given options the key's only line"
complete -c sshkit -n '__fish_seen_subcommand_from install' -l check -d 'Change nothing; report what would change'
complete -c sshkit -n '__fish_seen_subcommand_from install' -l json -d 'Print one JSON object'
complete -c sshkit -n '__fish_seen_subcommand_from install' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'
complete -c sshkit -n '__fish_seen_subcommand_from install' -l fix-permissions -d 'Remove group/world write permission that StrictModes rejects'
complete -c sshkit -n '__fish_seen_subcommand_from install' -s p -l port -x -d 'ssh: the port to connect to on the target'
complete -c sshkit -n '__fish_seen_subcommand_from install' -s o -x -d 'ssh: an option in ssh_config syntax (repeatable)'
complete -c sshkit -n '__fish_seen_subcommand_from install' -l ssh -x -a '(__fish_complete_command)' -d 'The ssh client to run'
complete -c sshkit -n '__fish_seen_subcommand_from install' -l path -r -F -d 'The authorized_keys file'
complete -c sshkit -n '__fish_seen_subcommand_from install' -a '(__fish_print_hostnames)'

# sshkit uninstall
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -s i -l identity -r -F -d 'The public key, or a private key'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -l fingerprint -x -d 'The key fingerprint (SHA256:... or MD5:...)'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -l check -d 'Change nothing; report what would change'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -l json -d 'Print one JSON object'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -s p -l port -x -d 'ssh: the port to connect to on the target'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -s o -x -d 'ssh: an option in ssh_config syntax (repeatable)'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -l ssh -x -a '(__fish_complete_command)' -d 'The ssh client to run'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -l path -r -F -d 'The authorized_keys file'
complete -c sshkit -n '__fish_seen_subcommand_from uninstall' -a '(__fish_print_hostnames)'

# sshkit list
complete -c sshkit -n '__fish_seen_subcommand_from list' -s h -l help -d 'Print the options and exit'
complete -c sshkit -n '__fish_seen_subcommand_from list' -l json -d 'Print one JSON object'
complete -c sshkit -n '__fish_seen_subcommand_from list' -s q -l quiet -d 'Print nothing but errors; the exit status tells the outcome'
complete -c sshkit -n '__fish_seen_subcommand_from list' -s p -l port -x -d 'ssh: the port to connect to on the target'
complete -c sshkit -n '__fish_seen_subcommand_from list' -s o -x -d 'ssh: an option in ssh_config syntax (repeatable)'
complete -c sshkit -n '__fish_seen_subcommand_from list' -l ssh -x -a '(__fish_complete_command)' -d 'The ssh client to run'
complete -c sshkit -n '__fish_seen_subcommand_from list' -l path -r -F -d 'The authorized_keys file'
complete -c sshkit -n '__fish_seen_subcommand_from list' -a '(__fish_print_hostnames)'
