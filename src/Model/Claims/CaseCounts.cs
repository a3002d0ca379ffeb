using System.Globalization;
using Verify.Model.Analysis;

namespace Verify.Model.Claims;

/// <summary>
/// How many cases a claim drew and what each said. With n conclusive cases and x failures,
/// <see cref="FailureRateUpper95"/> is the upper end of the Clopper-Pearson 95% interval of the
/// failure rate (with no failure: 1 - 0.025^(1/n), e.g. 0.21 for n = 16, 0.036 for n = 100).
/// </summary>
public sealed record CaseCounts(int Drawn, int Holds, int Fails, int Inconclusive)
{
    public int Conclusive => Holds + Fails;

    /// <summary>Upper end of the Clopper-Pearson 95% interval of the failure rate over conclusive cases; null with none.</summary>
    public double? FailureRateUpper95 => Conclusive == 0 ? null : Statistics.ClopperPearson(Fails, Conclusive).High;

    /// <summary>Share of conclusive cases that hold, with its Clopper-Pearson 95% interval; null with none.</summary>
    public (double Rate, double Low, double High)? PassRate95 =>
        Conclusive == 0 ? null : ((double)Holds / Conclusive, Statistics.ClopperPearson(Holds, Conclusive).Low, Statistics.ClopperPearson(Holds, Conclusive).High);

    public static CaseCounts Of(IEnumerable<ClaimOutcome> cases)
    {
        var list = cases.ToArray();
        return new CaseCounts(list.Length, list.Count(c => c.Verdict == Verdict.Holds), list.Count(c => c.Verdict == Verdict.Fails),
            list.Count(c => c.Verdict == Verdict.Inconclusive));
    }

    public override string ToString()
    {
        var s = FormattableString.Invariant($"{Drawn} cases drawn, {Conclusive} conclusive: {Holds} hold, {Fails} fail, {Inconclusive} inconclusive");
        if (FailureRateUpper95 is { } u) s += FormattableString.Invariant($"; failure rate <= {u:0.###} (Clopper-Pearson 95%)");
        return s;
    }
}
