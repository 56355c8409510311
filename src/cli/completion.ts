import type { Command } from 'commander';

interface Flag {
  long?: string;
  short?: string;
  about: string;
}

/** Every name a command answers to, its options and what it does. */
function surface(cmd: Command): { names: string[]; flags: Flag[]; about: string }[] {
  return cmd.commands.map((c) => ({
    names: [c.name(), ...c.aliases()],
    flags: c.options.map((o) => ({ long: o.long, short: o.short, about: o.description })),
    about: c.description(),
  }));
}

/** A single-quoted word for zsh: a quote inside is closed, escaped and reopened. */
const zshQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** A single-quoted word for fish, where backslash escapes a quote and itself. */
const fishQuote = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
/** A description inside zsh's `_values` and `_describe` specs, where `[`, `]` and `:` are syntax. */
const zshSpec = (s: string) => s.replace(/[[\]:\\]/g, (c) => `\\${c}`);

/**
 * A completion script for bash, zsh or fish: subcommands first, then the
 * chosen subcommand's own options (crictl completes only the subcommands).
 */
export function completionScript(program: Command, shell: string): string {
  const name = program.name();
  const cmds = surface(program);
  const globals: Flag[] = program.options.map((o) => ({ long: o.long, short: o.short, about: o.description }));
  const longs = (flags: Flag[]) => flags.map((f) => f.long ?? f.short ?? '').filter(Boolean);
  if (shell === 'bash') {
    const cases = cmds.map((c) => `    ${c.names.join('|')}) opts="${longs(c.flags).join(' ')}" ;;`).join('\n');
    return `_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" sub="" i opts
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -r|--runtime-endpoint|--timeout) ((i++)) ;; -*) ;; *) sub="\${COMP_WORDS[i]}"; break ;; esac
  done
  if [ -z "$sub" ]; then
    opts="${cmds.flatMap((c) => c.names).join(' ')} ${longs(globals).join(' ')}"
  else
    case "$sub" in
${cases}
    *) opts="" ;;
    esac
  fi
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -o default -F _${name} ${name}
`;
  }
  if (shell === 'zsh') {
    const values = (flags: Flag[]) => flags.filter((f) => f.long ?? f.short).map((f) => zshQuote(`${f.long ?? f.short}[${zshSpec(f.about)}]`));
    const described = cmds.flatMap((c) => c.names.map((n) => zshQuote(`${n}:${zshSpec(c.about)}`))).join(' ');
    const cases = cmds.map((c) => `    ${c.names.join('|')}) ${c.flags.length ? `_values 'options' ${values(c.flags).join(' ')}` : ':'} ;;`).join('\n');
    // The subcommand is the first word after the global options (and the values -r and --timeout take).
    return `#compdef ${name}
_${name}() {
  local -a cmds
  local i sub=""
  cmds=(${described})
  for ((i = 2; i < CURRENT; i++)); do
    case "\${words[i]}" in -r|--runtime-endpoint|--timeout) ((i++)) ;; -*) ;; *) sub="\${words[i]}"; break ;; esac
  done
  if [[ -z $sub ]]; then
    _describe 'commands' cmds
    _values 'global options' ${values(globals).join(' ')}
    return
  fi
  case "$sub" in
${cases}
  esac
  _files
}
compdef _${name} ${name}
`;
  }
  if (shell === 'fish') {
    const flag = (f: Flag) => [f.short ? `-s ${f.short.slice(1)}` : '', f.long ? `-l ${f.long.slice(2)}` : '', `-d ${fishQuote(f.about)}`].filter(Boolean).join(' ');
    const lines = [`complete -c ${name} -f`];
    for (const g of globals) lines.push(`complete -c ${name} -n __fish_use_subcommand ${flag(g)}`);
    for (const c of cmds) {
      for (const n of c.names) lines.push(`complete -c ${name} -n __fish_use_subcommand -a ${n} -d ${fishQuote(c.about)}`);
      for (const f of c.flags) lines.push(`complete -c ${name} -n ${fishQuote(`__fish_seen_subcommand_from ${c.names.join(' ')}`)} ${flag(f)}`);
    }
    return lines.join('\n') + '\n';
  }
  throw new Error(`completion: only bash, zsh or fish are supported, not ${shell}`);
}
