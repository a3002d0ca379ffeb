using System.Globalization;
using Verify.Model.Evidence;

namespace Verify.Model.Claims;

/// <summary>How one run of the authors' protocol ended, for the verdict: it trained, it stalled, or it diverged.</summary>
public enum AuthorsRunState
{
    /// <summary>Every epoch ran and the training MSE fell to at most <see cref="MultiLayerAuthorsClaim.StallFraction"/> of its initial value.</summary>
    Completed,

    /// <summary>Every epoch ran, but the training MSE stayed above that fraction: the run did not train.</summary>
    Stalled,

    /// <summary>A batch loss became NaN or infinite; the run stopped there.</summary>
    Diverged,
}

/// <summary>A run left out of the verdict, with its numbers.</summary>
public sealed record LeftOutRun(long Seed, int NTrain, AuthorsRunState State, double? InitialTrainLoss, double? TrainLoss, double? LossRatio, long? DivergedAtStep, double? LastFiniteLoss)
{
    public override string ToString() => State == AuthorsRunState.Diverged
        ? string.Create(CultureInfo.InvariantCulture, $"seed {Seed} at N {NTrain} diverged at step {DivergedAtStep} (last finite loss {LastFiniteLoss:G4})")
        : string.Create(CultureInfo.InvariantCulture, $"seed {Seed} at N {NTrain} stalled (training MSE {InitialTrainLoss:G4} -> {TrainLoss:G4}, ratio {LossRatio:G3})");
}

/// <param name="Sizes">The training-set sizes, ascending.</param>
/// <param name="ConclusiveSeeds">The seeds judged: those that trained at every size.</param>
/// <param name="MeanPerLayer">[layer][size]: the mean over conclusive seeds of the layer's mean best correlation.</param>
/// <param name="MinPerLayer">[layer][size]: the smallest seed's.</param>
/// <param name="MaxPerLayer">[layer][size]: the largest seed's.</param>
/// <param name="CrossingN">Per layer: the N at which its mean reaches <see cref="Level"/> (linear in log N between the sizes around it; the smallest size when it is there already), null when it never does.</param>
/// <param name="Rises">Per layer: it rises with N (no fall beyond the slack, a gain of at least the rise or the level from the start).</param>
/// <param name="LeftOut">Runs that stalled or diverged (their seeds are inconclusive), with their numbers.</param>
/// <param name="Level">The level of a specialized layer.</param>
public sealed record MultiLayerAuthorsNumbers(
    IReadOnlyList<int> Sizes,
    IReadOnlyList<long> ConclusiveSeeds,
    IReadOnlyList<double[]> MeanPerLayer,
    IReadOnlyList<double[]> MinPerLayer,
    IReadOnlyList<double[]> MaxPerLayer,
    IReadOnlyList<double?> CrossingN,
    IReadOnlyList<bool> Rises,
    IReadOnlyList<LeftOutRun> LeftOut,
    double Level) : ClaimNumbers;

/// <summary>
/// Claim 1 at depth as the authors' multi-layer figure shows it (per layer, the mean over teacher
/// nodes of the best eval correlation, against the training-set size N): <b>the lowest layer
/// specializes at a smaller N than the upper layers, and every layer rises with N.</b> Read on the
/// mean over the conclusive seeds (those whose runs trained at every N) of each layer's value at each N.
/// <list type="bullet">
/// <item>A run trained when its training MSE fell to at most <see cref="StallFraction"/> of its
/// initial value and no batch loss was NaN; a seed with a run that stalled or diverged is
/// inconclusive, left out with its numbers, never a failure. Fewer than <see cref="MinSeeds"/>
/// conclusive seeds or fewer than <see cref="MinSizes"/> sizes: inconclusive.</item>
/// <item>Layer l is specialized from N_l on: the N where its mean reaches <see cref="Level"/>,
/// interpolated linearly in log N between the sizes around it (the smallest size when it is there
/// already; none when it never gets there). The lowest layer is first when every upper layer's
/// N_l is larger or missing. It fails when an upper layer gets there at the same N or before, or
/// when an upper layer gets there and the lowest never does. The order cannot be read, and the
/// verdict is inconclusive unless the claim fails otherwise, when no layer reaches the level in
/// the grid or the lowest and an upper layer are both at the level at the smallest N.</item>
/// <item>Every layer rises: its mean falls by at most <see cref="DropSlack"/> from one N to the next,
/// and gains at least <see cref="MinRise"/> from the smallest to the largest N unless it is at
/// the level already at the smallest.</item>
/// </list>
/// </summary>
public static class MultiLayerAuthorsClaim
{
    /// <summary>
    /// The teacher's outputs are standardized on the tuning data, so a constant output (a student that
    /// learned nothing, or whose ReLUs all died) has a training MSE of about 1, and the initial MSE is 1
    /// plus the student's own output variance at PyTorch's init (about 0.03 at four hidden layers, 0.1
    /// to 0.3 at three, 1 at two): from three layers on a constant output stays above half the initial
    /// MSE. At two hidden layers it reaches half, and the rule cannot tell it from a trained student.
    /// </summary>
    public const double StallFraction = Rules.MultiLayerStallFraction;

    /// <summary>The existing multi-layer level (<see cref="MultiLayerClaim.MinLowestLayer"/>): a mean over teacher nodes, so below tau = 0.95; far above an untrained student's.</summary>
    public const double Level = Rules.MultiLayerAuthorsLevel;

    /// <summary>About twice the seeds' spread of a layer mean near 1 (0.01 at the default size of the other multi-layer protocol): a fall within it is noise.</summary>
    public const double DropSlack = Rules.MultiLayerAuthorsDropSlack;

    /// <summary>A rise must exceed the seeds' spread of a layer mean at one N (sd 0.001 to 0.04 in the other protocol at paper size): 0.05.</summary>
    public const double MinRise = Rules.MultiLayerAuthorsMinRise;

    /// <summary>A mean over one seed is that seed; two give the figure its band.</summary>
    public const int MinSeeds = Rules.MultiLayerAuthorsMinSeeds;

    /// <summary>Two sizes make one difference; a curve that rises needs a point between.</summary>
    public const int MinSizes = Rules.MultiLayerAuthorsMinSizes;

    public static ClaimInfo Info { get; } = new("multi-layer.authors",
        "Deep teacher, the authors' protocol: the lowest layer specializes (mean best correlation >= 0.9) at a smaller N than the upper layers, and every layer rises with N",
        "abstract (claim 1 at any depth); notes section 4, multi-layer experiment (recon_multilayer.py, config_multilayer.yaml)");

    /// <summary>How <paramref name="run"/> ended: diverged, stalled (training MSE above <see cref="StallFraction"/> of its initial value, or not finite) or completed.</summary>
    public static AuthorsRunState Classify(AuthorsMultiLayerRun run) =>
        run.Diverged ? AuthorsRunState.Diverged : run.LossRatio <= StallFraction ? AuthorsRunState.Completed : AuthorsRunState.Stalled;

    public static ClaimOutcome<MultiLayerAuthorsNumbers> Judge(IReadOnlyList<AuthorsMultiLayerRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var empty = new MultiLayerAuthorsNumbers([], [], [], [], [], [], [], [], Level);
        if (runs.Count == 0) return Outcome.Judged(Info, "no runs", false, "no runs.", empty);
        var shapes = runs.Select(r => r.Config.Shape).Distinct().ToArray();
        if (shapes.Length > 1)
            throw new ArgumentException($"The runs of one verdict differ in more than N and seed: {string.Join(" | ", shapes)}.", nameof(runs));

        var sizes = runs.Select(r => r.Config.NTrain).Distinct().Order().ToArray();
        var leftOut = runs.Where(r => Classify(r) != AuthorsRunState.Completed)
            .Select(r => new LeftOutRun(r.Config.Seed, r.Config.NTrain, Classify(r), Finite(r.InitialTrainLoss), Finite(r.TrainLoss), Finite(r.LossRatio), r.DivergedAtStep, r.LastFiniteLoss))
            .ToArray();
        var seeds = runs.GroupBy(r => r.Config.Seed)
            .Where(g => sizes.All(n => g.Any(r => r.Config.NTrain == n)) && g.All(r => Classify(r) == AuthorsRunState.Completed))
            .Select(g => g.Key).Order().ToArray();
        var setup = $"{seeds.Length} conclusive seed{(seeds.Length == 1 ? "" : "s")} of {runs.Select(r => r.Config.Seed).Distinct().Count()} ({shapes[0]})" +
                    (leftOut.Length > 0 ? "; left out: " + string.Join("; ", leftOut.Select(l => l.ToString())) : "");
        if (sizes.Length < MinSizes || seeds.Length < MinSeeds)
        {
            var why = sizes.Length < MinSizes
                ? $"precondition not reached: {sizes.Length} training-set size{(sizes.Length == 1 ? "" : "s")}, at least {MinSizes} needed"
                : $"precondition not reached: {seeds.Length} seed{(seeds.Length == 1 ? "" : "s")} trained at every N, at least {MinSeeds} needed";
            return Outcome.Judged(Info, why, false, why + "; " + setup + ".", empty with { Sizes = sizes, ConclusiveSeeds = seeds, LeftOut = leftOut });
        }

        var judged = runs.Where(r => seeds.Contains(r.Config.Seed)).ToArray();
        var curves = AuthorsMultiLayerSweep.Curves(judged);
        var means = curves.Select(c => c.PerSize.Select(s => s.Mean).ToArray()).ToArray();
        var crossings = means.Select(m => Crossing(sizes, m)).ToArray();
        var rises = means.Select(m => Rises(m)).ToArray();

        var lowest = crossings[0];
        var problems = new List<string>();
        string? unresolved = null;
        for (var l = 1; l < means.Length; l++)
        {
            if (lowest is null)
            {
                if (crossings[l] is { } u) problems.Add(Invariant($"layer {l + 1} reaches {Level} at N {u.N:0} and the lowest layer never does"));
                continue;
            }
            if (crossings[l] is not { } upper) continue;
            if (lowest.Value.AtStart && upper.AtStart) unresolved ??= Invariant($"layers 1 and {l + 1} are both at {Level} at the smallest N ({sizes[0]}): the grid starts too late to order them");
            else if (upper.N <= lowest.Value.N) problems.Add(Invariant($"layer {l + 1} reaches {Level} at N {upper.N:0}, the lowest layer at N {lowest.Value.N:0}"));
        }
        if (lowest is null && problems.Count == 0) unresolved = Invariant($"no layer reaches {Level} within the grid (largest N {sizes[^1]})");
        for (var l = 0; l < means.Length; l++)
            if (!rises[l]) problems.Add($"layer {l + 1} does not rise with N");

        var evidence = "mean over conclusive seeds of each layer's mean best eval correlation at N " + string.Join(", ", sizes) + ": " +
                       string.Join("; ", means.Select((m, l) => $"layer {l + 1}: " + string.Join(", ", m.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture))) +
                           (crossings[l] is { } c ? Invariant($" (at {Level} from N {(c.AtStart ? "<= " : "")}{c.N:0})") : Invariant($" (below {Level})")))) +
                       (problems.Count > 0 ? "; " + string.Join("; ", problems) : "") + "; " + setup + ".";
        var numbers = new MultiLayerAuthorsNumbers(sizes, seeds, means, curves.Select(c => c.PerSize.Select(s => s.Min).ToArray()).ToArray(),
            curves.Select(c => c.PerSize.Select(s => s.Max).ToArray()).ToArray(), crossings.Select(c => c?.N).ToArray(), rises, leftOut, Level);
        return Outcome.Judged(Info, problems.Count == 0 ? unresolved : null, problems.Count == 0, evidence, numbers);
    }

    /// <summary>Where <paramref name="means"/> (at ascending <paramref name="sizes"/>) first reaches the level, linear in log N between sizes; null when it never does.</summary>
    static (double N, bool AtStart)? Crossing(int[] sizes, double[] means)
    {
        if (means[0] >= Level) return (sizes[0], true);
        for (var i = 1; i < means.Length; i++)
        {
            if (means[i] < Level) continue;
            var t = (Level - means[i - 1]) / (means[i] - means[i - 1]);
            return (Math.Exp(Math.Log(sizes[i - 1]) + t * (Math.Log(sizes[i]) - Math.Log(sizes[i - 1]))), false);
        }
        return null;
    }

    static bool Rises(double[] means)
    {
        for (var i = 1; i < means.Length; i++)
            if (means[i] < means[i - 1] - DropSlack) return false;
        return means[^1] - means[0] >= MinRise || means[0] >= Level;
    }

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
