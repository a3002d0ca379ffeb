namespace Verify.Model.Evidence;

/// <summary>Mean coverage at tau over seeds, per training-set size, for one kind of data, with the smallest and largest seed's coverage.</summary>
public sealed record CoverageCurve(TrainingData Data, int[] Sizes, double[] Coverage, double[] MeanBestCorrelation)
{
    /// <summary>Per size, the smallest seed's coverage.</summary>
    public double[] CoverageMin { get; init; } = [];

    /// <summary>Per size, the largest seed's coverage.</summary>
    public double[] CoverageMax { get; init; } = [];
}
