namespace Verify.Model.Evidence;

/// <summary>Success rate of one (p, multi) group: the fraction of seeds covering teacher j, per j.</summary>
public sealed record SuccessCurve(double Decay, int Multi, int Seeds, double[] Early, double[] End)
{
    /// <summary>Per teacher, the Clopper-Pearson 95% interval of a rate that is a fraction of <see cref="Seeds"/> seeds.</summary>
    public (double[] Low, double[] High) Interval(double[] rate)
    {
        var bounds = rate.Select(r => Analysis.Statistics.ClopperPearson((int)Math.Round(r * Seeds), Seeds)).ToArray();
        return (bounds.Select(b => b.Low).ToArray(), bounds.Select(b => b.High).ToArray());
    }

    /// <summary>Rate over the strongest third of teachers minus the rate over the weakest third.</summary>
    public static double Drop(double[] rate)
    {
        var third = Math.Max(1, rate.Length / 3);
        return rate.Take(third).Average() - rate.Skip(rate.Length - third).Average();
    }
}
