using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Claims;

/// <summary>
/// With leaky ReLU every student node observes every teacher boundary: the gate never closes, so
/// obs[j, k] = min(#{x: t_j(x) &gt; 0}, #{x: t_j(x) &lt;= 0}) &gt; 0 for all j, k as soon as the data has
/// points on both sides of every teacher boundary. Hypotheses: a leaky student and data straddling
/// every teacher boundary; where one is broken the verdict is inconclusive and
/// <see cref="ClaimOutcome.ConclusionObserved"/> shows whether the entries were still all positive.
/// </summary>
public static class LeakyObservationClaim
{
    public const string Name = "leaky students observe every boundary";

    public static ClaimOutcome Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs)
    {
        var report = Specialization.Analyze(teacher, student, inputs);
        var straddles = Straddles(teacher, inputs);
        var leaky = student.Activation.NegativeSlope is > 0 and < 1;
        int zero = 0;
        foreach (var o in report.Observation) if (o <= 0) zero++;
        var conclusion = zero == 0;
        var hypotheses = leaky && straddles.All(s => s);
        var verdict = !hypotheses ? Verdict.Inconclusive : conclusion ? Verdict.Holds : Verdict.Fails;
        return new ClaimOutcome(Name, verdict,
            string.Create(CultureInfo.InvariantCulture,
                $"teacher {teacher}, student {student} on N = {inputs.shape[0]}: {zero} of {report.Teachers * report.Students} obs entries are zero; " +
                $"student leaky: {leaky}; data straddles teacher boundaries [{string.Join(", ", straddles)}]"),
            new Dictionary<string, double> { ["zero entries"] = zero, ["entries"] = report.Teachers * report.Students })
        { ConclusionObserved = conclusion };
    }

    /// <summary>For each lowest-layer teacher node: are there inputs on both sides of its boundary?</summary>
    public static bool[] Straddles(RectifiedNetwork teacher, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = teacher.Trace(inputs);
        var positive = trace.PreActivations[0].Above(0).to(ScalarType.Float64).sum([0L]).to(CPU).data<double>().ToArray();
        return positive.Select(p => p > 0 && p < inputs.shape[0]).ToArray();
    }
}
