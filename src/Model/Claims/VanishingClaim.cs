using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Claims;

/// <summary>
/// Claim 4 (un-specialized students vanish, the "L-shape"): at a small-gradient point every student
/// node k either specializes (max_j rho_jk &gt; tau) or has fan-out norm ||v_k|| at most
/// <c>fanOutTolerance</c>. A node whose pre-activation keeps one sign on every input has no kink
/// inside the data: it is affine there (or dead, for ReLU), so it can trade its fan-out against the
/// output bias and the other affine nodes along a flat direction of the loss, and the argument of
/// the claim (a boundary observed in the data) does not reach it. Such nodes are counted apart
/// ("affine on the data") and not held against the claim. Likewise student nodes that are co-linear
/// with each other (cosine of weight vectors above tau, so sigma(w_k^T x~) = (||w_k|| / ||w_k'||)
/// sigma(w_k'^T x~)) act as one node with net fan-out sum_k ||w_k|| v_k: a group whose net fan-out
/// (per unit weight) is within the tolerance has cancelled out and counts as vanished.
/// </summary>
public static class VanishingClaim
{
    public const string Name = "un-specialized students vanish";

    /// <param name="teacher">The teacher.</param>
    /// <param name="student">The trained student.</param>
    /// <param name="inputs">Data the nodes are judged on (N, d).</param>
    /// <param name="training">The run; its outcome is the precondition.</param>
    /// <param name="tau">Correlation above which a node is specialized, and cosine above which nodes are co-linear.</param>
    /// <param name="fanOutTolerance">||v_k|| at or below this counts as vanished.</param>
    /// <param name="allowMirror">Count a node whose weight vector is a negative multiple of a teacher's
    /// (cosine below -tau) as specialized: it sits on that teacher's boundary and shares its kink, as
    /// in <see cref="SpecializationCriteria.AllowMirror"/>. Found on a leaky case (seed 4 of
    /// <see cref="TheoremChecks"/>): a mirror of a specialized node kept ||v|| = 0.09 down to gradient 1e-4.</param>
    public static ClaimOutcome Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult training,
        double tau = 0.95, double fanOutTolerance = 0.05, bool allowMirror = false)
    {
        if (!(fanOutTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(fanOutTolerance), fanOutTolerance, "Fan-out tolerance must be >= 0.");
        var report = Specialization.Analyze(teacher, student, inputs);
        var affine = AffineNodes(student, inputs);
        var best = report.BestCorrelationPerStudent;
        var netFanOut = NetFanOutOfColinearGroups(student, tau);
        int specialized = 0, mirrored = 0, vanished = 0, cancelled = 0, silent = 0, offending = 0;
        double worstFanOut = 0;
        for (var k = 0; k < report.Students; k++)
        {
            if (best[k] > tau) specialized++;
            else if (allowMirror && Enumerable.Range(0, report.Teachers).Any(j => report.Cosine[j, k] < -tau)) mirrored++;
            else if (report.StudentFanOutNorms[k] <= fanOutTolerance) vanished++;
            else if (affine[k]) silent++;
            else if (netFanOut[k] <= fanOutTolerance) cancelled++;
            else { offending++; worstFanOut = Math.Max(worstFanOut, report.StudentFanOutNorms[k]); }
        }
        var conclusion = offending == 0;
        var reached = training.Outcome == TrainingOutcome.ReachedGradientTarget;
        var verdict = !reached ? Verdict.Inconclusive : conclusion ? Verdict.Holds : Verdict.Fails;
        var perNode = string.Join(" ", Enumerable.Range(0, report.Students).Select(k => string.Create(CultureInfo.InvariantCulture, $"({best[k]:0.###}, {report.StudentFanOutNorms[k]:0.###})")));
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"teacher {teacher}, student {student}: {specialized} specialized (rho > {tau}), {(allowMirror ? $"{mirrored} mirrors of a teacher (cos < -{tau}), " : "")}{vanished} vanished (||v|| <= {fanOutTolerance}), {cancelled} cancelled in co-linear groups, {silent} affine on the data, " +
            $"{offending} neither (largest such ||v|| = {worstFanOut:G3}); (best rho, ||v||) per node {perNode}; training {training}");
        return new ClaimOutcome(Name, verdict, evidence, new Dictionary<string, double>
        {
            ["students"] = report.Students,
            ["specialized"] = specialized,
            ["mirrors of a teacher"] = mirrored,
            ["vanished"] = vanished,
            ["affine on the data"] = silent,
            ["cancelled in co-linear groups"] = cancelled,
            ["neither"] = offending,
            ["largest offending fan-out"] = worstFanOut,
            ["max sample gradient"] = training.MaxSampleGradient,
        })
        { ConclusionObserved = conclusion };
    }

    /// <summary>
    /// For each lowest-layer student node k: ||sum_{k' ~ k} ||w_k'|| v_k'|| / max_{k' ~ k} ||w_k'||,
    /// the net fan-out of its group of mutually co-linear nodes (cosine of augmented weights above
    /// <paramref name="colinearCosine"/>, grouped transitively), per unit of the largest weight.
    /// </summary>
    public static double[] NetFanOutOfColinearGroups(RectifiedNetwork student, double colinearCosine)
    {
        var w = student.WeightArrays();
        var cos = Specialization.CosineMatrix(student.Weights[0], student.Weights[0]);
        int n = student.HiddenWidths[0], rows = w[0].GetLength(0), outputs = w[1].GetLength(1);
        var group = Enumerable.Range(0, n).ToArray();
        int Find(int k) => group[k] == k ? k : group[k] = Find(group[k]);
        for (var a = 0; a < n; a++)
            for (var b = a + 1; b < n; b++)
                if (cos[a, b] > colinearCosine) group[Find(a)] = Find(b);
        var norms = Enumerable.Range(0, n).Select(k => Math.Sqrt(Enumerable.Range(0, rows).Sum(i => w[0][i, k] * w[0][i, k]))).ToArray();
        var result = new double[n];
        for (var k = 0; k < n; k++)
        {
            var members = Enumerable.Range(0, n).Where(q => Find(q) == Find(k)).ToArray();
            var net = new double[outputs];
            foreach (var q in members)
                for (var o = 0; o < outputs; o++) net[o] += norms[q] * w[1][q, o];
            result[k] = Math.Sqrt(net.Sum(x => x * x)) / Math.Max(members.Max(q => norms[q]), 1e-300);
        }
        return result;
    }

    /// <summary>Lowest-layer student nodes whose pre-activation has one sign on every input (no kink in the data; dead ReLUs included).</summary>
    public static bool[] AffineNodes(RectifiedNetwork student, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = student.Trace(inputs);
        var positive = trace.PreActivations[0].Above(0).to(TorchSharp.torch.ScalarType.Float64).sum([0L]).to(CPU).data<double>().ToArray();
        return positive.Select(p => p == 0 || p == inputs.shape[0]).ToArray();
    }
}
