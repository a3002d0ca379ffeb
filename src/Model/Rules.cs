using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Verify.Model;

/// <summary>
/// Every threshold of every judge, in one place, frozen before the cases that test them are drawn.
/// Judges and their criteria read their defaults from here; nothing else in the library states a
/// judge's threshold. <see cref="Hash"/> digests every constant (name and value), and goes into
/// claims.json (<c>rules_hash</c>) and report.md; docs/theorems/rules.md gives each rule's reason
/// and a dated change log, and <c>RulesTest</c> fails when the documented hash is not this one.
/// A change of any value is a new rule: bump <see cref="Version"/>, log why, re-run the Nightly tier.
/// </summary>
public static class Rules
{
    /// <summary>The rules' version: the date they were frozen and a counter.</summary>
    public const string Version = "2026-12-06.6";

    // Specialization (claims 1, 2, 4; the paper's coverage threshold).

    /// <summary>tau: activation correlation above which a student node specializes to a teacher node (the paper's success-rate figure).</summary>
    public const double Tau = 0.95;

    /// <summary>Cosine of augmented weight vectors above which a student node is aligned (w_k = c w*_j, c &gt; 0): tau read on the weights.</summary>
    public const double AlignedCosine = 0.95;

    /// <summary>Cosine below minus this makes a student node a mirror of a teacher node (w_k = -c w*_j): tau with the other sign.</summary>
    public const double MirrorCosine = 0.95;

    /// <summary>Largest compensation residue (centred RMS of the mirrors' and affine nodes' combined map over the teacher's output spread) of a verified mirror or an excused affine group.</summary>
    public const double MaxCompensationResidue = 0.01;

    /// <summary>Student nodes at this cosine or above act as one node (2.6 degrees).</summary>
    public const double GroupCosine = 0.999;

    /// <summary>||v_k|| at or below this counts as no fan-out (claim 4 at a small gradient; a mirror needs more to stand in for a teacher).</summary>
    public const double VanishedFanOut = 0.05;

    // Claim 2 (the core argument).

    /// <summary>A residual's slope jump counts as cancelled below this fraction of the teacher's own (1 - c) alpha_kj w*_j.</summary>
    public const double CancelledJump = 0.1;

    /// <summary>|alpha_kj| above this counts as non-zero (fan-outs are of order 1).</summary>
    public const double MinAlpha = 1e-6;

    // Preconditions of the drawn two-layer cases.

    /// <summary>The gradient descent phase's target of the drawn two-layer cases (the level the pinned cases were found at).</summary>
    public const double TwoLayerGradient = 3e-4;

    /// <summary>
    /// The per-sample gradient max_x ||g_1(x)|| at which claims 1, 2 and 4 are judged on drawn two-layer cases: gradient
    /// descent (or SGD) first, then the Levenberg-Marquardt finisher. The theorem is about the limit of zero gradient;
    /// at 3e-4 a three-node cancelling group was still forming (docs/theorems/rules.md, version 2026-12-06.3).
    /// </summary>
    public const double FinishedGradient = 1e-6;

    /// <summary>
    /// The largest relative parameter distance (||after - before|| / ||before||) a finish may move a student and still
    /// count as reaching the precondition: a polish of the point training led to, not a jump to another.
    /// </summary>
    public const double MaxFinishDistance = 0.1;

    /// <summary>
    /// The same for deep cases: none (the distance is reported, not gated). Gradient descent at depth hands over far from
    /// a critical point (max per-sample gradient 1e-3 to 0.7 after 40,000 steps), so the finisher is how a deep case reaches
    /// the precondition, not a polish; the theorem's hypothesis is any point of small per-sample gradient, whatever path
    /// led there (docs/theorems/rules.md, version 2026-12-06.6).
    /// </summary>
    public const double DeepMaxFinishDistance = double.PositiveInfinity;

    /// <summary>Trial steps the finisher may take on a case.</summary>
    public const int FinisherMaxIterations = 200;

    /// <summary>The gradient target of the default training budget of small problems (the cases train on to <see cref="TwoLayerGradient"/>).</summary>
    public const double SmallProblemGradientTarget = 3e-3;

    /// <summary>
    /// The per-sample gradient at which claim 1 is judged on deep (three- and four-layer) cases, read on every layer:
    /// max_x max_l ||g_l(x)||, the output residual included ("the gradient is small at every data sample": a sample's
    /// gradient w.r.t. layer l's weights is g_l(x) f~_{l-1}(x)^T, at least ||g_l(x)||). The abstract's threshold
    /// O(eps / (K^{3/2} sqrt d)), scaled from <see cref="TwoLayerGradient"/> by the largest K^{3/2} sqrt d of the deep
    /// spaces against the two-layer base space's, rounded down to a power of ten.
    /// </summary>
    public const double DeepGradient = 1e-4;

    /// <summary>Conclusive cases a claim judged on drawn cases needs per activation and family in the default run.</summary>
    public const int MinConclusive = 16;

    /// <summary>Conclusive cases per claim, activation, reading and family in the Nightly tier.</summary>
    public const int NightlyMinConclusive = 100;

    /// <summary>Cases drawn per required conclusive case before a claim is left inconclusive.</summary>
    public const int MaxDrawsPerConclusive = 3;

    /// <summary>The same for the deep cases, whose descent often ends at a local minimum above <see cref="DeepGradient"/>.</summary>
    public const int DeepMaxDrawsPerConclusive = 8;

    // Independence of distinct ReLUs (claim 8).

    /// <summary>Smallest singular value over the largest of the feature matrix above which the ReLUs are independent.</summary>
    public const double IndependenceRelativeRank = 1e-8;

    /// <summary>Float64 zero of a constructed exact fit (loss and gradient).</summary>
    public const double Float64Zero = 1e-9;

    // The L-shape at the paper's budget (claim 4 on the sweeps).

    /// <summary>At the paper's budget a node has vanished below this fraction of its best-matched teacher's fan-out.</summary>
    public const double LShapeRelativeFanOut = 0.1;

    /// <summary>At the paper's budget at most this share of nodes may be neither specialized nor vanished.</summary>
    public const double LShapeMaxNeitherShare = 0.1;

    /// <summary>SGD steps of the paper's L-shape protocol (100 epochs of 1,000 iterations): a run stopped earlier has not reached its end state.</summary>
    public const long LShapePaperSteps = 100_000;

    // Strong teachers first (claim 5).

    /// <summary>Smallest decay p judged.</summary>
    public const double StrongFirstMinDecay = 1;

    /// <summary>Seeds a judged p needs.</summary>
    public const int StrongFirstMinSeeds = 3;

    /// <summary>Values of p the trend needs.</summary>
    public const int StrongFirstMinTrendDecays = 3;

    /// <summary>Claim 5 compares the strongest and the weakest 1/Thirds of the teachers (at least one each), as the success-rate figure does.</summary>
    public const int StrongFirstThirds = 3;

    /// <summary>Claim 5 on the gradient: the share of runs with strong &gt; weak that teachers of equal strength give; the claim must beat it.</summary>
    public const double StrongFirstGradientNullShare = 0.5;

    /// <summary>Claim 5 on the gradient: usable runs needed (fewer: even a unanimous sign test cannot reject 1/2 at 95%).</summary>
    public const int StrongFirstGradientMinRuns = 5;

    /// <summary>Level of the statistical bounds (one-sided 95% for a drop, two-sided for a trend; over-realization's sign test).</summary>
    public const double Alpha = 0.05;

    /// <summary>Bootstrap resamples.</summary>
    public const int Resamples = 4000;

    // Sample size (claim 3).

    /// <summary>eps of the sample-complexity scaling law.</summary>
    public const double SampleEpsilon = 0.05;

    /// <summary>C in 1 - max_k cos(w_k, w*_j) &lt;= C eps.</summary>
    public const double SampleAlignmentConstant = 1.0;

    /// <summary>Exponent of K in the bound K^{5/2} d^3 / eps.</summary>
    public const double SampleExponentK = 2.5;

    /// <summary>Exponent of d in the bound.</summary>
    public const double SampleExponentD = 3.0;

    /// <summary>Teacher-aware data must cover at least this much more of the teachers than Gaussian data at small N.</summary>
    public const double TeacherAwareMinCoverageGap = 0.2;

    // Multi-layer.

    /// <summary>The lowest layer's mean best correlation must reach this.</summary>
    public const double MultiLayerMinLowestLayer = 0.9;

    /// <summary>Slack of the layers' ordering.</summary>
    public const double MultiLayerSlack = 0.02;

    // Multi-layer, the authors' protocol (recon_multilayer.py; claim multi-layer.authors).

    /// <summary>A run trained when its final training MSE is at most this fraction of its initial one; above it the run stalled (inconclusive, never a failure).</summary>
    public const double MultiLayerStallFraction = 0.5;

    /// <summary>A layer is specialized at N once its mean best correlation (mean over conclusive seeds) reaches this.</summary>
    public const double MultiLayerAuthorsLevel = 0.9;

    /// <summary>"Rises with N": a layer's mean may fall by at most this from one N to the next.</summary>
    public const double MultiLayerAuthorsDropSlack = 0.02;

    /// <summary>"Rises with N": a layer's mean must gain at least this from the smallest to the largest N, unless it is at the level already at the smallest.</summary>
    public const double MultiLayerAuthorsMinRise = 0.05;

    /// <summary>Seeds that trained at every N, at least.</summary>
    public const int MultiLayerAuthorsMinSeeds = 2;

    /// <summary>Training-set sizes, at least.</summary>
    public const int MultiLayerAuthorsMinSizes = 3;

    /// <summary>Every rule by name, in declaration order.</summary>
    public static IReadOnlyList<(string Name, string Value)> All { get; } = typeof(Rules)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (f.Name, Format(f.GetRawConstantValue())))
        .ToArray();

    /// <summary>The first 16 hex digits of SHA-256 over "name=value" lines of every rule, sorted by name.</summary>
    public static string Hash { get; } = Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", All.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => $"{r.Name}={r.Value}")))))[..16];

    static string Format(object? value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
