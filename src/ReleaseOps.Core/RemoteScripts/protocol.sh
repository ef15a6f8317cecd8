# ReleaseOps remote-script protocol: the prelude of every embedded script (bootstrap.sh, deploy.sh, redirect.sh),
# which RemoteScript puts before the script's own text. Each script is run as "sh -c <prelude + script> <marker>
# <arguments>", every argument quoted, under sudo when the user is not root.
# Standard output is the protocol, one record per line, fields separated by a TAB; no field holds a TAB or a line
# break (one() folds them). Standard error is free text: the output of the commands the script runs, shown with -Verbose.
#   step<TAB>name<TAB>status<TAB>detail[<TAB>error id]   a step; its status is the script's own word (start, ok, failed,
#                                                        or a StepStatus name); a failed step may carry a stable id
#   field<TAB>key<TAB>value                              a value of the result
#   row<TAB>kind<TAB>value<TAB>value...                  a row of a listing, such as a user of Get-NodeUser
#   warning<TAB>text                                     a warning for the admin
#   error<TAB>ErrorId<TAB>message                        the script stopped with a catalogued error (Core/ErrorIds.cs)
one() { printf '%s' "$1" | tr '\t\n\r' '   '; }
step() {
  if [ $# -ge 4 ]; then printf 'step\t%s\t%s\t%s\t%s\n' "$(one "$1")" "$2" "$(one "$3")" "$4"
  else printf 'step\t%s\t%s\t%s\n' "$(one "$1")" "$2" "$(one "${3:-}")"; fi
}
field() { printf 'field\t%s\t%s\n' "$1" "$(one "$2")"; }
warn() { printf 'warning\t%s\n' "$(one "$1")"; }
die() { printf 'error\t%s\t%s\n' "$1" "$(one "$2")"; exit "${3:-2}"; }
