import type { Command } from 'commander';

/** Every name a command answers to, and its long options. */
function surface(cmd: Command): { names: string[]; options: string[]; about: string }[] {
  return cmd.commands.map((c) => ({
    names: [c.name(), ...c.aliases()],
    options: c.options.map((o) => o.long ?? o.short ?? '').filter(Boolean),
    about: c.description().replace(/'/g, ''),
  }));
}

/**
 * A completion script for bash, zsh or fish: subcommands first, then the
 * chosen subcommand's own options (crictl completes only the subcommands).
 */
export function completionScript(program: Command, shell: string): string {
  const name = program.name();
  const cmds = surface(program);
  const globals = program.options.map((o) => o.long ?? '').filter(Boolean);
  if (shell === 'bash') {
    const cases = cmds.map((c) => `    ${c.names.join('|')}) opts="${c.options.join(' ')}" ;;`).join('\n');
    return `_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" sub="" i opts
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -r|--runtime-endpoint|--timeout) ((i++)) ;; -*) ;; *) sub="\${COMP_WORDS[i]}"; break ;; esac
  done
  if [ -z "$sub" ]; then
    opts="${cmds.flatMap((c) => c.names).join(' ')} ${globals.join(' ')}"
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
    const described = cmds.flatMap((c) => c.names.map((n) => `'${n}:${c.about.replace(/:/g, '\\:')}'`)).join(' ');
    const cases = cmds.map((c) => `    ${c.names.join('|')}) _values 'options' ${c.options.map((o) => `'${o}'`).join(' ') || "''"} ;;`).join('\n');
    return `#compdef ${name}
_${name}() {
  local -a cmds
  cmds=(${described})
  if (( CURRENT == 2 )); then
    _describe 'commands' cmds
    _values 'global options' ${globals.map((o) => `'${o}'`).join(' ')}
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
  _files
}
compdef _${name} ${name}
`;
  }
  if (shell === 'fish') {
    const lines = [`complete -c ${name} -f`];
    for (const g of globals) lines.push(`complete -c ${name} -n __fish_use_subcommand -l ${g.slice(2)}`);
    for (const c of cmds) {
      for (const n of c.names) lines.push(`complete -c ${name} -n __fish_use_subcommand -a ${n} -d '${c.about}'`);
      for (const o of c.options) lines.push(`complete -c ${name} -n '__fish_seen_subcommand_from ${c.names.join(' ')}' -l ${o.replace(/^--?/, '')}`);
    }
    return lines.join('\n') + '\n';
  }
  throw new Error(`completion: only bash, zsh or fish are supported, not ${shell}`);
}
