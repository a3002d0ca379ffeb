using System.Globalization;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>The numbers of the leaky-observation claim on one pair.</summary>
public sealed record ObservationNumbers(int ZeroEntries, int Entries) : ClaimNumbers;

/// <summary>
/// With leaky ReLU every student node observes every teacher boundary: the gate never closes, so
/// obs[j, k] = min(#{x: t_j(x) &gt; 0}, #{x: t_j(x) &lt;= 0}) &gt; 0 for all j, k as soon as the data has
/// points on both sides of every teacher boundary. Hypotheses: a leaky student and data straddling
/// every teacher boundary; where one is broken the verdict is inconclusive and
/// <see cref="ClaimOutcome.ConclusionObserved"/> shows whether the entries were still all positive.
/// </summary>
public static class LeakyObservationClaim
{
    public static ClaimInfo Info { get; } = new("leaky-observation",
        "With leaky ReLU every student node observes every teacher boundary (all obs[j, k] > 0) on data straddling every boundary",
        "notes section 2 (observers) and section 5, leaky observation");

    public static ClaimOutcome<ObservationNumbers> Judge(PairEvidence e)
    {
        var report = e.Report;
        var zero = 0;
        foreach (var o in report.Observation) if (o <= 0) zero++;
        var missed = !e.StudentLeaky ? "hypothesis missed: the student is not leaky"
            : !e.DataStraddles.All(s => s) ? "hypothesis missed: the data does not straddle every teacher boundary"
            : null;
        return Outcome.Judged(Info, missed, zero == 0,
            string.Create(CultureInfo.InvariantCulture,
                $"{e.Case}: {zero} of {report.Teachers * report.Students} obs entries are zero; " +
                $"student leaky: {e.StudentLeaky}; data straddles teacher boundaries [{string.Join(", ", e.DataStraddles)}]"),
            new ObservationNumbers(zero, report.Teachers * report.Students));
    }

    /// <summary>Measures an (untrained) pair on <paramref name="inputs"/> and judges it.</summary>
    public static ClaimOutcome<ObservationNumbers> Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs) =>
        Judge(PairEvidence.Measure(teacher, student, inputs, null));
}
