# bash completion for sshkit                                            -*- shell-script -*-
# Installed as share/bash-completion/completions/sshkit. Kept in step with `sshkit CMD --help` by
# tests/lint/completions.sh: every subcommand and every flag printed there must appear below.

_sshkit_files() {
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

_sshkit() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=''
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    local commands='gen pub passwd comment convert fp randomart install uninstall list help'
    local key_input='-P --passphrase --passphrase-file --passphrase-env --max-kdf-rounds --max-argon2-work
        --max-pbkdf2-iterations'
    local new_passphrase='-N --new-passphrase --new-passphrase-file --new-passphrase-env'
    local remote='-p --port -o --ssh'

    # The subcommand is the first word that is not an option (sshkit itself has only --help and --version).
    local cmd='' i
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} != -* ]]; then
            cmd=${COMP_WORDS[i]}
            break
        fi
    done
    if [[ -z $cmd ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$commands -h --help --version" -- "$cur")
        return
    fi

    local opts=''
    case $cmd in
    gen)
        opts="-h --help -t --type -b --bits -C --comment -f --file $new_passphrase -a --rounds -Z --cipher
              -m --format -q --quiet --force --json"
        ;;
    pub) opts="-h --help -f --file $key_input --json -q --quiet" ;;
    passwd) opts="-h --help -f --file $key_input $new_passphrase -a --rounds -Z --cipher --json -q --quiet" ;;
    comment) opts="-h --help -f --file $key_input -C --comment --json -q --quiet" ;;
    convert)
        opts="-h --help -f --file --to -o --output --stdout -C --comment $key_input $new_passphrase -a --rounds
              --force --json -q --quiet"
        ;;
    fp) opts='-h --help -E --hash -v --randomart -B --bubblebabble --json -q --quiet -f --file' ;;
    randomart) opts='-h --help -E --hash -B --bubblebabble --json -q --quiet -f --file' ;;
    install)
        opts="-h --help -i --identity --key-options --replace --check --json --fix-permissions -q --quiet --path $remote"
        ;;
    uninstall) opts="-h --help -i --identity --fingerprint --check --json -q --quiet --path $remote" ;;
    list) opts="-h --help --json -q --quiet --path $remote" ;;
    help)
        mapfile -t COMPREPLY < <(compgen -W "${commands% help}" -- "$cur")
        return
        ;;
    *) return ;;
    esac

    # The value of the option just typed.
    case $prev in
    -t | --type)
        mapfile -t COMPREPLY < <(compgen -W 'ed25519 ecdsa rsa dsa' -- "$cur")
        return
        ;;
    -b | --bits)
        mapfile -t COMPREPLY < <(compgen -W '256 384 521 1024 2048 3072 4096' -- "$cur")
        return
        ;;
    -Z | --cipher)
        mapfile -t COMPREPLY < <(compgen -W 'aes256-ctr aes192-ctr aes128-ctr aes256-cbc aes192-cbc aes128-cbc
            3des-cbc aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com none' -- "$cur")
        return
        ;;
    -m | --format)
        mapfile -t COMPREPLY < <(compgen -W 'openssh pem pkcs8' -- "$cur")
        return
        ;;
    --to)
        mapfile -t COMPREPLY < <(compgen -W 'openssh pem pkcs8 ppk ppk2 pub rfc4716 spki pkcs1' -- "$cur")
        return
        ;;
    -E | --hash)
        mapfile -t COMPREPLY < <(compgen -W 'sha256 sha384 sha512 sha1 md5' -- "$cur")
        return
        ;;
    -f | --file | -i | --identity | --output | --passphrase-file | --new-passphrase-file | --path)
        _sshkit_files "$cur"
        return
        ;;
    -o)
        # convert: the output file; install, uninstall, list: an ssh option.
        [[ $cmd == convert ]] && _sshkit_files "$cur"
        return
        ;;
    --passphrase-env | --new-passphrase-env)
        mapfile -t COMPREPLY < <(compgen -v -- "$cur")
        return
        ;;
    --ssh)
        mapfile -t COMPREPLY < <(compgen -c -- "$cur")
        return
        ;;
    -C | --comment | -P | --passphrase | -N | --new-passphrase | -a | --rounds | --max-kdf-rounds | --max-argon2-work | --max-pbkdf2-iterations | --key-options | \
        -p | --port | --fingerprint)
        return
        ;;
    esac

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        return
    fi
    case $cmd in
    fp | randomart) _sshkit_files "$cur" ;;
    install | uninstall | list) mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur") ;;
    esac
}

complete -F _sshkit sshkit
