// Measuring helpers shared by the benchmarks that run the CLI as a child process.
import {execFileSync} from 'node:child_process'

/** The middle value (the upper one of the two middle values for an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/**
 * Peak RSS in MB of one run of `argv` (stdout and stderr discarded; a non-zero exit throws), from python3's
 * getrusage(RUSAGE_CHILDREN), which sees the child's whole life whatever it runs.
 */
export function peakRss(argv, options = {}) {
  const script =
    'import resource,subprocess,sys\n' +
    'subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL,check=True)\n' +
    'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)'
  return Number(execFileSync('python3', ['-c', script, ...argv], options).toString()) / 1024
}
