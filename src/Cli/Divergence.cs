using System.Globalization;
using Verify.Model.Evidence;
using Verify.Model.Training;

namespace Verify.Cli;

/// <summary>Says on stderr which runs diverged, at which step and from which loss; their claims are reported inconclusive.</summary>
static class Divergence
{
    public static TwoLayerRun[] Warn(TwoLayerRun[] runs)
    {
        foreach (var run in runs.Where(r => r.Outcome == TrainingOutcome.Diverged))
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"verify: warning: run diverged at step {run.DivergedAtStep} (last finite loss {run.LastFiniteLoss:G6}): {run.Config}; claims that need it are inconclusive."));
        return runs;
    }
}
