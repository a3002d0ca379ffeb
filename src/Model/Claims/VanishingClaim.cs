using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>
/// Claim 4 (un-specialized students vanish, the "L-shape"): at a small-gradient point every student
/// node k either specializes (max_j rho_jk &gt; tau) or has fan-out norm ||v_k|| at most
/// <c>fanOutTolerance</c>. A ReLU node that is inactive on every input (dead) contributes nothing
/// whatever its fan-out, so it is counted apart and not held against the claim; leaky ReLU nodes are
/// never dead, where the claim is exact.
/// </summary>
public static class VanishingClaim
{
    public const string Name = "un-specialized students vanish";

    public static ClaimOutcome Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult training,
        double tau = 0.95, double fanOutTolerance = 0.05)
    {
        if (!(fanOutTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(fanOutTolerance), fanOutTolerance, "Fan-out tolerance must be >= 0.");
        var report = Specialization.Analyze(teacher, student, inputs);
        var dead = DeadNodes(student, inputs);
        var best = report.BestCorrelationPerStudent;
        int specialized = 0, vanished = 0, silent = 0, offending = 0;
        double worstFanOut = 0;
        for (var k = 0; k < report.Students; k++)
        {
            if (best[k] > tau) specialized++;
            else if (report.StudentFanOutNorms[k] <= fanOutTolerance) vanished++;
            else if (dead[k]) silent++;
            else { offending++; worstFanOut = Math.Max(worstFanOut, report.StudentFanOutNorms[k]); }
        }
        var conclusion = offending == 0;
        var reached = training.Outcome == TrainingOutcome.ReachedGradientTarget;
        var verdict = !reached ? Verdict.Inconclusive : conclusion ? Verdict.Holds : Verdict.Fails;
        var perNode = string.Join(" ", Enumerable.Range(0, report.Students).Select(k => string.Create(CultureInfo.InvariantCulture, $"({best[k]:0.###}, {report.StudentFanOutNorms[k]:0.###})")));
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"teacher {teacher}, student {student}: {specialized} specialized (rho > {tau}), {vanished} vanished (||v|| <= {fanOutTolerance}), {silent} dead, " +
            $"{offending} neither (largest such ||v|| = {worstFanOut:G3}); (best rho, ||v||) per node {perNode}; training {training}");
        return new ClaimOutcome(Name, verdict, evidence, new Dictionary<string, double>
        {
            ["students"] = report.Students,
            ["specialized"] = specialized,
            ["vanished"] = vanished,
            ["dead"] = silent,
            ["neither"] = offending,
            ["largest offending fan-out"] = worstFanOut,
            ["max sample gradient"] = training.MaxSampleGradient,
        })
        { ConclusionObserved = conclusion };
    }

    /// <summary>Student nodes whose activation is zero on every input (only possible with ReLU).</summary>
    public static bool[] DeadNodes(RectifiedNetwork student, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = student.Trace(inputs);
        var openCount = student.Activation.Gate(trace.PreActivations[0]).gt(0).to(TorchSharp.torch.ScalarType.Float64).sum([0L]).to(CPU);
        return openCount.data<double>().ToArray().Select(v => v == 0).ToArray();
    }
}
