using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Verify.Model.Runtime;

namespace Verify.Cli;

/// <summary>
/// The option kinds of every `verify` command, declared once with their default and their check:
/// a value out of range is a parse error whose message names the option, the value and what it
/// accepts (shown as "verify: error: ..." with exit code 2). `--help` lists each option with its default.
/// </summary>
static class Options
{
    /// <summary>An option given twice takes its last value (`--seeds 1-5 ... --seeds 3`), as shells' option conventions have it; one value per occurrence.</summary>
    static ArgumentArity LastWins => ArgumentArity.OneOrMore;

    public static Option<int> Int(string name, int fallback, int min, int max, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        HelpName = "N",
        Arity = LastWins,
        CustomParser = r => Parse(r, s => ParseInt(name, s, min, max), fallback),
    };

    public static Option<long> Long(string name, long fallback, long min, long max, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        HelpName = "N",
        Arity = LastWins,
        CustomParser = r => Parse(r, s => ParseLong(name, s, min, max), fallback),
    };

    /// <summary>A whole number with no default: null when the option is not given.</summary>
    public static Option<int?> OptionalInt(string name, int min, int max, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        Arity = LastWins,
        CustomParser = r => Parse<int?>(r, s => ParseInt(name, s, min, max), null),
    };

    /// <summary>A whole number (64-bit) with no default: null when the option is not given.</summary>
    public static Option<long?> OptionalLong(string name, long min, long max, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        Arity = LastWins,
        CustomParser = r => Parse<long?>(r, s => ParseLong(name, s, min, max), null),
    };

    public static Option<double> Double(string name, double fallback, double min, double max, string description, bool exclusiveMin = false) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        HelpName = "X",
        Arity = LastWins,
        CustomParser = r => Parse(r, s => ParseDouble(name, s, min, max, exclusiveMin), fallback),
    };

    /// <summary>A comma list of whole numbers, with "a-b" ranges: "1,2,5,10" or "1-5".</summary>
    public static Option<ValueList<int>> IntList(string name, IEnumerable<int> fallback, int min, int max, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => new ValueList<int>(fallback.ToArray()),
        HelpName = "LIST",
        Arity = LastWins,
        CustomParser = r => Parse(r, s => new ValueList<int>(ParseLongList(name, s, min, max).Select(v => (int)v).ToArray()), null!),
    };

    /// <summary>A comma list of whole numbers (64-bit), with "a-b" ranges.</summary>
    public static Option<ValueList<long>> LongList(string name, IEnumerable<long> fallback, long min, long max, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => new ValueList<long>(fallback.ToArray()),
        HelpName = "LIST",
        Arity = LastWins,
        CustomParser = r => Parse(r, s => new ValueList<long>(ParseLongList(name, s, min, max)), null!),
    };

    /// <summary>A comma list of numbers: "0,0.5,1".</summary>
    public static Option<ValueList<double>> DoubleList(string name, IEnumerable<double> fallback, double min, double max, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => new ValueList<double>(fallback.ToArray()),
        HelpName = "LIST",
        Arity = LastWins,
        CustomParser = r => Parse(r, s =>
        {
            var parts = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) throw new UsageException($"{name} needs at least one value.");
            return new ValueList<double>(parts.Select(p => ParseDouble(name, p, min, max, false)).ToArray());
        }, null!),
    };

    /// <summary>
    /// Epoch:rate pairs, "0:0.2,20:0.1" (the authors' yaml writes "{0:0.2,20:0.1}", also accepted):
    /// epochs whole, increasing, the first 0; rates finite, in (0, <paramref name="maxRate"/>].
    /// </summary>
    public static Option<EpochRates> EpochRates(string name, IEnumerable<(int Epoch, double Rate)> fallback, double maxRate, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => new EpochRates(fallback.ToArray()),
        HelpName = "EPOCH:LR,...",
        Arity = LastWins,
        CustomParser = r => Parse(r, s => ParseEpochRates(name, s, maxRate), null!),
    };

    internal static EpochRates ParseEpochRates(string name, string s, double maxRate)
    {
        var text = s.Trim();
        if (text.StartsWith('{') && text.EndsWith('}')) text = text[1..^1];
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new UsageException($"{name} needs at least one epoch:rate pair, like 0:0.2,20:0.1.");
        var pairs = new List<(int, double)>();
        foreach (var part in parts)
        {
            var halves = part.Split(':', StringSplitOptions.TrimEntries);
            if (halves.Length != 2 || !int.TryParse(halves[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
                throw new UsageException($"{name}: '{part}' is not an epoch:rate pair like 20:0.1.");
            if (epoch < 0) throw new UsageException($"{name}: epoch {epoch} in '{part}' must be >= 0.");
            var rate = ParseDouble(name, halves[1], 0, maxRate, exclusiveMin: true);
            if (pairs.Count > 0 && epoch <= pairs[^1].Item1)
                throw new UsageException($"{name}: epochs must increase; got {pairs[^1].Item1} then {epoch}.");
            pairs.Add((epoch, rate));
        }
        if (pairs[0].Item1 != 0) throw new UsageException($"{name} must give the rate from epoch 0 first (like 0:0.2,20:0.1); got '{s}'.");
        return new EpochRates(pairs);
    }

    /// <summary>A text value; <paramref name="check"/> (optional) turns it into an error message or null.</summary>
    public static Option<string> String(string name, string? fallback, string helpName, string description, Func<string, string?>? check = null)
    {
        var option = new Option<string>(name) { Description = description, HelpName = helpName, Arity = LastWins, CustomParser = r => r.Tokens[^1].Value };
        if (fallback is not null) option.DefaultValueFactory = _ => fallback;
        if (check is not null)
            option.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && check(r.Tokens[^1].Value) is { } problem) r.AddError($"{name}: {problem}");
            });
        return option;
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>
    /// `--device cpu|cuda|cuda:N`; without it the device is VERIFY_DEVICE's, else cpu. An unknown
    /// device, or CUDA where there is none, is a usage error that says so.
    /// </summary>
    public static Option<string> Device() => String("--device", null, "cpu|cuda",
        $"the device to train on: cpu, cuda or cuda:N (without it: ${TorchRuntime.DeviceVariable}, else cpu)", value =>
        {
            try { TorchRuntime.ResolveDevice(value); return null; }
            catch (ArgumentException e) { return Message(e); }
        });

    /// <summary>`--workers N`: runs side by side, one intra-op thread each; default this machine's processor count.</summary>
    public static Option<int> Workers() => Int("--workers", Model.Training.TrialRunner.DefaultWorkers, 1, 1024,
        "runs trained side by side, one thread each (default: this machine's processor count)");

    /// <summary>An argument exception's message without the " (Parameter 'x')" that .NET appends.</summary>
    public static string Message(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);

    /// <summary>Parses the option's last token with <paramref name="parse"/>; a <see cref="UsageException"/> becomes the parse error.</summary>
    static T Parse<T>(ArgumentResult result, Func<string, T> parse, T onError)
    {
        if (result.Tokens.Count == 0) return onError;
        try { return parse(result.Tokens[^1].Value); }
        catch (UsageException e)
        {
            result.AddError(e.Message);
            return onError;
        }
    }

    internal static int ParseInt(string name, string s, int min, int max)
    {
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new UsageException($"{name} must be a whole number; got '{s}'.");
        return (int)InRange(name, v, min, max);
    }

    internal static long ParseLong(string name, string s, long min, long max)
    {
        if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new UsageException($"{name} must be a whole number; got '{s}'.");
        return InRange(name, v, min, max);
    }

    internal static long[] ParseLongList(string name, string s, long min, long max)
    {
        var result = new List<long>();
        foreach (var part in s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.Length > 1 ? part.IndexOf('-', 1) : -1;
            if (dash > 0)
            {
                if (!long.TryParse(part[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out var lo) ||
                    !long.TryParse(part[(dash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var hi) || hi < lo)
                    throw new UsageException($"{name}: '{part}' is not a range like 1-5 (low-high, low <= high).");
                if (hi - lo >= 100_000) throw new UsageException($"{name}: range '{part}' has more than 100000 values.");
                for (var v = lo; v <= hi; v++) result.Add(InRange(name, v, min, max));
            }
            else if (long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) result.Add(InRange(name, v, min, max));
            else throw new UsageException($"{name}: '{part}' is not a whole number or a range like 1-5.");
        }
        if (result.Count == 0) throw new UsageException($"{name} needs at least one value.");
        return result.ToArray();
    }

    internal static double ParseDouble(string name, string s, double min, double max, bool exclusiveMin)
    {
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new UsageException($"{name} must be a finite number; got '{s}'.");
        var below = exclusiveMin ? v <= min : v < min;
        if (below || v > max)
            throw new UsageException($"{name} must lie in {(exclusiveMin ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]; got {s}.");
        return v;
    }

    static long InRange(string name, long v, long min, long max) =>
        v < min || v > max ? throw new UsageException($"{name} must lie in {min}..{max}; got {v}.") : v;
}
