using System.Globalization;
using Verify.Model.Protocols;

namespace Verify.Model.Hunt;

/// <summary>
/// A case of a hunt: the family it was drawn in and the small problem, every field of it. Written as
/// one shell word, so a replay command needs no quoting:
/// <c>near-n-star:d=3,m=2,leak=0.1,p=0,multi=2,data=teacher-aware,n=33,batch=none,outputs=5,seed=1682617696284020778</c>
/// (m lists the hidden widths lowest first, joined by '+').
/// </summary>
public sealed record HuntCase(string Family, SmallProblem Problem)
{
    static readonly string[] Keys = ["d", "m", "leak", "p", "multi", "data", "n", "batch", "outputs", "seed"];

    public override string ToString()
    {
        var p = Problem;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Family}:d={p.D},m={string.Join('+', p.Widths)},leak={p.Leak:R},p={p.Decay:R},multi={p.Multi},data={(p.Data == SmallData.Gaussian ? "gaussian" : "teacher-aware")},n={p.Samples},batch={(p.Batch is { } b ? b.ToString(CultureInfo.InvariantCulture) : "none")},outputs={p.Outputs},seed={p.Seed}");
    }

    /// <summary>Reads a case written by <see cref="ToString"/>; a malformed one is an <see cref="FormatException"/> naming the field.</summary>
    public static HuntCase Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) throw new FormatException($"'{text}' is not a hunt case: expected FAMILY:d=...,m=...,leak=...,p=...,multi=...,data=...,n=...,batch=...,outputs=...,seed=...");
        var fields = new Dictionary<string, string>();
        foreach (var part in text[(colon + 1)..].Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"hunt case: '{part}' is not key=value.");
            var key = part[..eq];
            if (!Keys.Contains(key)) throw new FormatException($"hunt case: unknown field '{key}'; fields: {string.Join(", ", Keys)}.");
            if (!fields.TryAdd(key, part[(eq + 1)..])) throw new FormatException($"hunt case: field '{key}' given twice.");
        }
        foreach (var key in Keys)
            if (!fields.ContainsKey(key)) throw new FormatException($"hunt case: field '{key}' is missing.");
        var widths = fields["m"].Split('+').Select(w => Int(w, "m", 1)).ToArray();
        var data = fields["data"] switch
        {
            "gaussian" => SmallData.Gaussian,
            "teacher-aware" => SmallData.TeacherAware,
            var other => throw new FormatException($"hunt case: data must be gaussian or teacher-aware; got '{other}'."),
        };
        int? batch = fields["batch"] == "none" ? null : Int(fields["batch"], "batch", 1);
        var leak = Double(fields["leak"], "leak");
        if (leak is < 0 or >= 1) throw new FormatException($"hunt case: leak must lie in [0, 1); got {fields["leak"]}.");
        if (!long.TryParse(fields["seed"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
            throw new FormatException($"hunt case: seed must be a whole number; got '{fields["seed"]}'.");
        var problem = new SmallProblem(Int(fields["d"], "d", 1), widths, leak, Double(fields["p"], "p"), Int(fields["multi"], "multi", 1),
            Int(fields["n"], "n", 2), seed, data, Int(fields["outputs"], "outputs", 1), batch);
        return new HuntCase(text[..colon], problem);
    }

    static int Int(string s, string key, int min) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min ? v
            : throw new FormatException($"hunt case: {key} must be a whole number >= {min}; got '{s}'.");

    static double Double(string s, string key) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0 ? v
            : throw new FormatException($"hunt case: {key} must be a finite number >= 0; got '{s}'.");

    /// <summary>Equal cases have equal text (a problem's widths are an array, compared by reference in the record's own equality).</summary>
    public string Key => ToString();
}
