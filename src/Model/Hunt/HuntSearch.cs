using Verify.Model.Protocols;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Hunt;

/// <summary>A proposed case: its number in the stream, how it came about, its parent (guided) and the case.</summary>
public sealed record HuntProposal(int Index, string Origin, int? Parent, HuntCase Case, string? Moves = null);

/// <summary>
/// Proposes a round of cases from the history of the stream. A proposal is random with probability
/// <see cref="HuntSettings.RandomShare"/> (and always during the warm-up): a family and an
/// activation of the target uniformly, then the family's own draw. Otherwise it mutates a parent
/// chosen from the elite (the conclusive cases with the smallest margins, weighted by rank) by one
/// to three moves, each within the family's bounds: d +-1, the lowest width +-1, multi +-1, the decay
/// (+-0.5 where it is continuous, another value of the family's list otherwise), N/N* x e^U(-ln 2, ln 2)
/// (near-n-star), the other activation, another family, a new seed, or a new seed chosen among
/// <see cref="HuntSettings.MirrorCandidates"/> for the teacher with the most nearly mirrored pair of
/// lowest-layer nodes. Every choice comes from a named stream of the stream's seed and the case number.
/// </summary>
public static class HuntSearch
{
    public const string Random = "random";
    public const string Guided = "guided";

    /// <summary>The proposals for <paramref name="indices"/> (all in one round), given the stream's search cases before the round.</summary>
    public static IReadOnlyList<HuntProposal> Propose(HuntTarget target, HuntStream stream, HuntSettings settings, IReadOnlyList<HuntRecord> history, IReadOnlyList<int> indices)
    {
        var elite = history.Where(r => r.Margin is { } m && double.IsFinite(m)).OrderBy(r => r.Margin!.Value).ThenBy(r => r.Index).Take(settings.EliteSize).ToArray();
        var guided = history.Count(r => r.Margin is not null) >= settings.Warmup && elite.Length > 0;
        var used = history.Select(r => r.Case.Key).ToHashSet();
        var result = new List<HuntProposal>();
        foreach (var index in indices)
        {
            var proposal = guided && Rng(stream, "hunt.explore", index).NextDouble() >= settings.RandomShare
                ? Mutate(target, stream, settings, elite, index, used) ?? Draw(target, stream, index)
                : Draw(target, stream, index);
            used.Add(proposal.Case.Key);
            result.Add(proposal);
        }
        return result;
    }

    /// <summary>A random case: a family and an activation of the target uniformly, then the family's draw.</summary>
    public static HuntProposal Draw(HuntTarget target, HuntStream stream, int index)
    {
        var rng = Rng(stream, "hunt.choice", index);
        var family = target.Families[rng.Next(target.Families.Count)];
        var leak = target.Leaks[rng.Next(target.Leaks.Count)];
        return new HuntProposal(index, Random, null, new HuntCase(family.Name, family.Space(leak).Draw(stream.Seed, "hunt.random", index)));
    }

    static HuntProposal? Mutate(HuntTarget target, HuntStream stream, HuntSettings settings, HuntRecord[] elite, int index, HashSet<string> used)
    {
        var rng = Rng(stream, "hunt.mutate", index);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var parent = elite[RankWeighted(rng, elite.Length)];
            var genome = Genome.Of(target, parent.Case);
            var moves = new List<string>();
            var count = 1 + (rng.NextDouble() < 0.4 ? 1 : 0) + (rng.NextDouble() < 0.15 ? 1 : 0);
            for (var m = 0; m < count; m++)
            {
                var options = genome.Moves(target, settings).ToArray();
                if (options.Length == 0) break;
                var move = options[rng.Next(options.Length)];
                genome = genome.Apply(move, target, stream, settings, rng, index, attempt);
                moves.Add(move);
            }
            var child = genome.Build();
            if (used.Contains(child.Key))
            {
                genome = genome.Apply("seed", target, stream, settings, rng, index, attempt);
                moves.Add("seed");
                child = genome.Build();
            }
            if (!used.Contains(child.Key)) return new HuntProposal(index, Guided, parent.Index, child, string.Join("+", moves));
        }
        return null;
    }

    /// <summary>Rank r of n (0 best) with weight n - r.</summary>
    static int RankWeighted(Random rng, int n)
    {
        var ticket = rng.Next(n * (n + 1) / 2);
        for (var r = 0; r < n; r++)
        {
            ticket -= n - r;
            if (ticket < 0) return r;
        }
        return n - 1;
    }

    internal static Random Rng(HuntStream stream, string name, long index)
    {
        var seed = Seeds.Of(stream.Seed, name, index);
        return new Random(unchecked((int)(seed ^ (seed >> 32))));
    }

    /// <summary>
    /// The most negative cosine between two lowest-layer teacher nodes' input weights (-1: an exact mirror pair);
    /// +1 with a single node. Builds the teacher only (no data, no training).
    /// </summary>
    public static double MostMirroredPair(SmallProblem p)
    {
        if (p.Widths[0] < 2) return 1;
        using var scope = NewDisposeScope();
        using var teacher = p.BuildTeacher();
        var w = teacher.WeightArrays()[0];
        var d = w.GetLength(0) - 1;
        var worst = 1.0;
        for (var i = 0; i < w.GetLength(1); i++)
            for (var j = i + 1; j < w.GetLength(1); j++)
            {
                double ab = 0, aa = 0, bb = 0;
                for (var k = 0; k < d; k++) { ab += w[k, i] * w[k, j]; aa += w[k, i] * w[k, i]; bb += w[k, j] * w[k, j]; }
                worst = Math.Min(worst, ab / Math.Sqrt(aa * bb));
            }
        return worst;
    }

    /// <summary>A case as the search moves it: the family, the activation and the space's knobs.</summary>
    sealed record Genome(HuntFamily Family, double Leak, int D, int Width, int Multi, double Decay, double? Factor, int? Samples, long Seed)
    {
        SmallProblemSpace Space => Family.Space(Leak);

        public static Genome Of(HuntTarget target, HuntCase c)
        {
            var family = target.Family(c.Family);
            var p = c.Problem;
            double? factor = family.Space(p.Leak).SamplesOverNStar is not null ? p.Samples / NStar(p.D, p.Widths[0], p.Multi) : null;
            int? samples = family.Space(p.Leak).MaxSamples is not null ? p.Samples : null;
            return new Genome(family, p.Leak, p.D, p.Widths[0], p.Multi, p.Decay, factor, samples, p.Seed).Clamped();
        }

        static double NStar(int d, int width, int multi) => SmallProblemSpace.MeasuredNStar((1 + multi) * width, d);

        public IEnumerable<string> Moves(HuntTarget target, HuntSettings settings)
        {
            var s = Space;
            if (s.MaxD > s.MinD) yield return "d";
            if (s.MaxWidth > s.MinWidth) yield return "m";
            if (s.MaxMulti > s.MinMulti) yield return "multi";
            if (s.MaxDecay is > 0 || s.Decays.Length > 1) yield return "decay";
            if (s.SamplesOverNStar is > 1 || s.MaxSamples > s.Samples) yield return "n";
            if (target.Leaks.Count > 1) yield return "activation";
            if (target.Families.Count > 1) yield return "family";
            yield return "seed";
            if (Width > 1) yield return "mirror";
        }

        public Genome Apply(string move, HuntTarget target, HuntStream stream, HuntSettings settings, Random rng, int index, int attempt)
        {
            var s = Space;
            var g = move switch
            {
                "d" => this with { D = Step(D, s.MinD, s.MaxD, rng) },
                "m" => this with { Width = Step(Width, s.MinWidth, s.MaxWidth, rng) },
                "multi" => this with { Multi = Step(Multi, s.MinMulti, s.MaxMulti, rng) },
                "decay" => this with
                {
                    Decay = s.MaxDecay is { } max
                        ? Math.Round(Math.Clamp(Decay + (rng.NextDouble() * 2 - 1) * 0.5, 0, max), 3)
                        : Other(s.Decays, Decay, rng),
                },
                "n" when s.SamplesOverNStar is { } top => this with { Factor = Math.Clamp((Factor ?? 1) * Math.Exp((rng.NextDouble() * 2 - 1) * Math.Log(2)), 1, top) },
                "n" => this with { Samples = (int)Math.Round((Samples ?? s.Samples) * Math.Exp((rng.NextDouble() * 2 - 1) * Math.Log(1.5))) },
                "activation" => this with { Leak = Other(target.Leaks, Leak, rng) },
                "family" => this with { Family = target.Families.Where(f => f.Name != Family.Name).ElementAt(rng.Next(target.Families.Count - 1)) },
                "seed" => this with { Seed = Seeds.Of(Seeds.Of(stream.Seed, "hunt.seed", index), "attempt", attempt * 8 + rng.Next(8)) },
                "mirror" => this with { Seed = MostMirroredSeed(stream, settings, index, attempt) },
                _ => throw new ArgumentOutOfRangeException(nameof(move), move, "Unknown move."),
            };
            return g.Clamped(rng);
        }

        /// <summary>Among the screened seeds, the one whose teacher has the most nearly mirrored pair of lowest-layer nodes.</summary>
        long MostMirroredSeed(HuntStream stream, HuntSettings settings, int index, int attempt)
        {
            var screen = Seeds.Of(Seeds.Of(stream.Seed, "hunt.mirror-seed", index), "attempt", attempt);
            return Enumerable.Range(0, settings.MirrorCandidates).Select(c => Seeds.Of(screen, "candidate", c))
                .MinBy(seed => MostMirroredPair((this with { Seed = seed }).Build().Problem));
        }

        /// <summary>Every knob inside the family's bounds at this activation; a factor for a family that sets N by N*, N itself for one that draws it from a range (drawn when the parent had none).</summary>
        Genome Clamped(Random? rng = null)
        {
            var s = Space;
            var decay = s.MaxDecay is { } max ? Math.Clamp(Decay, 0, max) : s.Decays.MinBy(v => Math.Abs(v - Decay));
            double? factor = s.SamplesOverNStar is { } top ? Math.Clamp(Factor ?? Math.Pow(top, rng?.NextDouble() ?? 0), 1, top) : null;
            int? samples = s.MaxSamples is { } most ? Math.Clamp(Samples ?? rng?.Next(s.Samples, most + 1) ?? s.Samples, s.Samples, most) : null;
            return this with
            {
                D = Math.Clamp(D, s.MinD, s.MaxD), Width = Math.Clamp(Width, s.MinWidth, s.MaxWidth), Multi = Math.Clamp(Multi, s.MinMulti, s.MaxMulti),
                Decay = decay, Factor = factor, Samples = samples,
            };
        }

        public HuntCase Build()
        {
            var s = Space;
            var widths = new[] { Width }.Concat(Enumerable.Repeat(s.UpperWidth, s.Depth - 1)).ToArray();
            var samples = Factor is { } f ? 3 * (int)Math.Ceiling(NStar(D, Width, Multi) * f / 3) : Samples ?? s.Samples;
            return new HuntCase(Family.Name, new SmallProblem(D, widths, Leak, Decay, Multi, samples, Seed, s.Data, Batch: s.Batch));
        }

        static int Step(int v, int min, int max, Random rng)
        {
            var up = v <= min || (v < max && rng.Next(2) == 0);
            return Math.Clamp(up ? v + 1 : v - 1, min, max);
        }

        static double Other(IReadOnlyList<double> values, double current, Random rng)
        {
            var others = values.Where(v => v != current).ToArray();
            return others.Length == 0 ? current : others[rng.Next(others.Length)];
        }
    }
}
