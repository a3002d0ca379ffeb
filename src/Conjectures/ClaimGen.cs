using FsCheck;
using FsCheck.Fluent;
using Verify.Model.Networks;
using Verify.Model.Protocols;

namespace Verify.Conjectures;

/// <summary>
/// FsCheck generators for the claims, composed with LINQ. Each draws inputs that meet its claim's
/// hypotheses (widths and fan-ins that admit non-co-linear grid vectors, over-realized students,
/// enough samples) instead of filtering, and each arbitrary shrinks toward small networks: lower d,
/// fewer and narrower layers, ReLU, no strength decay, smaller multi and N.
/// </summary>
public static class ClaimGen
{
    static readonly double[] Decays = [0, 0.5, 1];

    /// <summary>Teachers with d in [minD, maxD], 1..maxDepth hidden layers of widths in [minWidth, maxWidth].</summary>
    public static Gen<TeacherCase> Teachers(int maxD = 6, int minWidth = 2, int maxWidth = 3, int maxDepth = 1, bool leaky = true, double[]? decays = null, int minD = 2) =>
        from d in Gen.Choose(minD, maxD)
        from depth in Gen.Choose(1, maxDepth)
        from widths in Gen.ArrayOf(Gen.Choose(minWidth, maxWidth), depth)
        from leak in leaky ? Gen.Elements(0.0, 0.1) : Gen.Constant(0.0)
        from decay in Gen.Elements(decays ?? Decays)
        from seed in Gen.Choose(1, 1_000_000)
        select new TeacherCase(d, widths, leak, decay, seed);

    /// <summary>Shrinks a teacher one step toward the smallest network that still meets <paramref name="minWidth"/>.</summary>
    public static IEnumerable<TeacherCase> ShrinkTeacher(TeacherCase c, int minWidth = 2)
    {
        if (c.D > 2) yield return c with { D = 2 };
        if (c.D > 3) yield return c with { D = c.D - 1 };
        if (c.Depth > 1) yield return c with { Widths = c.Widths[..^1] };
        for (var l = 0; l < c.Depth; l++)
            if (c.Widths[l] > minWidth)
            {
                var w = c.Widths.ToArray();
                w[l]--;
                yield return c with { Widths = w };
            }
        if (c.Leak != 0) yield return c with { Leak = 0 };
        if (c.Decay != 0) yield return c with { Decay = 0 };
    }

    /// <summary>Over-realized training cases: multi in [2, maxMulti], Gaussian data of N samples.</summary>
    public static Gen<TrainingCase> OverRealized(Gen<TeacherCase> teachers, int maxMulti = 3, int samples = 200, bool teacherAware = false) =>
        from t in teachers
        from multi in Gen.Choose(Math.Min(2, maxMulti), maxMulti)
        from kind in teacherAware ? Gen.Elements(DataKind.Gaussian, DataKind.TeacherAware) : Gen.Constant(DataKind.Gaussian)
        select new TrainingCase(t, multi, kind, samples);

    public static IEnumerable<TrainingCase> ShrinkTraining(TrainingCase c)
    {
        foreach (var t in ShrinkTeacher(c.Teacher)) yield return c with { Teacher = t };
        if (c.Multi > 2) yield return c with { Multi = 2 };
        if (c.Data != DataKind.Gaussian) yield return c with { Data = DataKind.Gaussian };
    }

    /// <summary>
    /// Shrinks a small problem one step: lower d, narrower lowest layer, fewer layers, smaller multi
    /// (down to 2, keeping it over-realized), half the samples (down to 25), no strength decay.
    /// The activation is kept: it names the claim's variant. The rule is the library's
    /// (<see cref="SmallProblemShrinker"/>), shared with `verify hunt`.
    /// </summary>
    public static IEnumerable<SmallProblem> ShrinkProblem(SmallProblem p) => SmallProblemShrinker.Candidates(p);

    /// <summary>
    /// Small problems of <paramref name="space"/>, shrinking with <see cref="ShrinkProblem"/>. FsCheck draws the case
    /// seed; the space draws the case from it (<see cref="SmallProblemSpace.Draw"/>, the draw of the theorem checks and
    /// the hunt), so every option of the space applies: mini-batch SGD, depth, data kind, decay and sample ranges.
    /// </summary>
    public static Arbitrary<SmallProblem> Problems(SmallProblemSpace space) =>
        Arb.From(
            from seed in Gen.Choose(1, int.MaxValue)
            select space.Draw(seed, "conjecture", 0),
            ShrinkProblem);

    /// <summary>Small problems of <paramref name="family"/> (<see cref="CaseFamily.All"/>, <see cref="CaseFamily.Deep"/>) at <paramref name="leak"/> (0: ReLU).</summary>
    public static Arbitrary<SmallProblem> Problems(CaseFamily family, double leak) => Problems(family.Space(leak, false));

    public static Arbitrary<TrainingCase> OverRealizedArb(Gen<TeacherCase> teachers, int maxMulti = 3) =>
        Arb.From(OverRealized(teachers, maxMulti), ShrinkTraining);

    /// <summary>
    /// A batch of <paramref name="count"/> cases, trained side by side on all cores and judged
    /// together (a tally of verdicts). Deliberately not shrunk: one shrink step would retrain the whole
    /// batch, and the tally's evidence already names every failing case in full (configuration and
    /// seed), which is what a regression test pins. Single cases shrink with
    /// <see cref="ShrinkTraining"/> through <see cref="OverRealizedArb"/>.
    /// </summary>
    public static Arbitrary<TrainingCase[]> Batch(Gen<TrainingCase> cases, int count) =>
        Arb.From(Gen.ArrayOf(cases, count));

    /// <summary>Teachers of width 1..3 and students of any width 1..4: the false conjecture's domain.</summary>
    public static Arbitrary<WidthCase> AnyWidth() =>
        Arb.From(
            from t in Teachers(maxD: 4, minWidth: 1, maxWidth: 3, leaky: false)
            from n in Gen.Choose(1, 4)
            select new WidthCase(t, n),
            c => ShrinkTeacher(c.Teacher, minWidth: 1).Select(t => c with { Teacher = t })
                .Concat(c.StudentWidth > 1 ? [c with { StudentWidth = c.StudentWidth - 1 }] : []));

    /// <summary>
    /// m pairwise non-co-linear unit directions in R^d, chosen from the distinct directions of the
    /// paper's grid: constructed (a shuffle of distinct directions), never filtered.
    /// </summary>
    public static Gen<double[][]> NonCoLinearDirections(int d, int m)
    {
        var directions = GridDirections(d);
        if (m > directions.Count) throw new ArgumentOutOfRangeException(nameof(m), m, $"Only {directions.Count} distinct grid directions exist in d = {d}.");
        return Gen.Shuffle<double[]>(directions.ToArray()).Select(all => all.Take(m).ToArray());
    }

    static readonly Dictionary<int, IReadOnlyList<double[]>> DirectionCache = [];

    /// <summary>Every non-zero grid vector of length d, normalized, one per direction.</summary>
    public static IReadOnlyList<double[]> GridDirections(int d)
    {
        lock (DirectionCache)
        {
            if (DirectionCache.TryGetValue(d, out var cached)) return cached;
            if (d < 1 || d > 4) throw new ArgumentOutOfRangeException(nameof(d), d, "Grid directions are enumerated for d in 1..4.");
            var grid = TeacherSpec.Grid;
            var seen = new HashSet<string>();
            var result = new List<double[]>();
            var index = new int[d];
            while (true)
            {
                var v = index.Select(i => grid[i]).ToArray();
                var norm = Math.Sqrt(v.Sum(x => x * x));
                if (norm > 0)
                {
                    var u = v.Select(x => x / norm).ToArray();
                    if (seen.Add(string.Join(",", u.Select(x => Math.Round(x, 9).ToString("R", System.Globalization.CultureInfo.InvariantCulture)))))
                        result.Add(u);
                }
                var pos = 0;
                while (pos < d && ++index[pos] == grid.Count) index[pos++] = 0;
                if (pos == d) break;
            }
            return DirectionCache[d] = result;
        }
    }
}
