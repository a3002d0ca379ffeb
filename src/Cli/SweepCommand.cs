using System.CommandLine;

namespace Verify.Cli;

static class SweepCommand
{
    public static Command Create() => new("sweep", "plan, run and collect a sweep by index (Slurm job arrays, Kubernetes indexed jobs)");
}
