using System.Collections.Generic;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Syntax;

internal sealed partial class Parser
{
    private static readonly string[] s_nicSettings = { "pools", "queues", "ring" };
    private static readonly string[] s_tenantAttributes = { "vlan", "vni", "vsid", "svid" };
    private static readonly string[] s_switchModes = { "veb", "vepa" };
    private static readonly string[] s_channelModes = { "veb", "vepa", "vsi" };
    private static readonly string[] s_poolAttributes = { "tenant", "queues", "priority", "bandwidth", "rss", "antispoof", "vlan-insert", "rate" };
    private static readonly string[] s_antiSpoofChecks = { "mac", "vlan", "none" };
    private static readonly string[] s_classAttributes = { "tc", "ets", "strict", "priorities" };

    private readonly HashSet<string> _seenSingletons = new();

    /// <summary>
    /// The S-channel section the statements being read belong to: 0 before the first <c>channel</c> statement (the untagged
    /// channel), then the 1-based number of the last <c>channel</c> statement whose name was read.
    /// </summary>
    private int _section;

    /// <summary>dispatcher, nic, default-pool, vxlan-port, profile and switch may each appear once (<c>default-pool</c> once per S-channel section).</summary>
    private void Once(Token keyword)
    {
        string key = keyword.Text == "default-pool" && _section > 0 ? "default-pool#" + _section.ToString(System.Globalization.CultureInfo.InvariantCulture) : keyword.Text;
        if (!_seenSingletons.Add(key))
        {
            Report(RuleDescriptors.DuplicateDeclaration, keyword.Span, $"{Echo.Quoted(keyword.Text)} is given more than once; only the first is used.");
            throw new SyntaxException();
        }
    }

    /// <summary>"Unknown {what} 'x' (did you mean 'y'?). Expected ..." for a word that is not one of <paramref name="known"/>.</summary>
    private void UnknownWord(Token word, string what, string[] known)
    {
        string expected = "Expected " + string.Join(", ", System.Array.ConvertAll(known, k => "'" + k + "'"));
        int comma = expected.LastIndexOf(',');
        expected = comma < 0 ? expected : expected.Substring(0, comma) + " or" + expected.Substring(comma + 1);
        Fail(RuleDescriptors.SyntaxError, word.Span, $"Unknown {what} {Echo.Quoted(word.Text)}{Spelling.DidYouMean(word.Text, known)}. {expected}.");
    }

    private void ParseDispatcher()
    {
        Token keyword = _tokens[_pos++];
        if (AtEnd)
        {
            var at = new SourceSpan(keyword.Span.End, 0, keyword.Span.Line, keyword.Span.Column + keyword.Span.Length);
            throw Unreadable(at, "the line ends after 'dispatcher': write a type name such as Contoso.Fabric.TenantDispatcher");
        }

        Token name = _tokens[_pos++];
        if (name.Kind != TokenKind.Word)
        {
            throw Unreadable(name.Span, $"expected a type name such as Contoso.Fabric.TenantDispatcher, found {Echo.Quoted(name.Text)}");
        }

        foreach (string part in name.Text.Split('.'))
        {
            if (!CSharpNames.IsIdentifier(part))
            {
                throw Unreadable(name.Span, $"{Echo.Quoted(name.Text)} is not a valid C# type name: {Echo.Quoted(part)} is not an identifier");
            }
        }

        EndStatement();
        Once(keyword);
        _doc.Dispatcher = name.Text;
        _doc.DispatcherSpan = name.Span;
    }

    /// <summary>
    /// Reports a <c>dispatcher</c> line that cannot be read (VMDQ0020, not a plain syntax error): the
    /// generator reports it itself, since without a type name it cannot emit even the dispatcher's shape and
    /// the user's code then fails with CS0246, which makes the compiler skip analyzers.
    /// </summary>
    private SyntaxException Unreadable(SourceSpan span, string reason)
    {
        _doc.DispatcherUnreadable = true;
        Report(RuleDescriptors.DispatcherUnreadable, span, UnreadableMessage(reason));
        return new SyntaxException();
    }

    private static string UnreadableMessage(string reason) =>
        $"The dispatcher's name cannot be read: {reason}. No dispatcher is generated from this file, so code that uses it fails to compile (CS0246) until this line is fixed.";

    private void ParseNic()
    {
        try
        {
            ParseNicCore();
        }
        catch (SyntaxException)
        {
            // Checks that depend on the geometry are skipped rather than run against the defaults.
            _doc.GeometryInvalid = true;
            throw;
        }
    }

    private void ParseNicCore()
    {
        Token keyword = _tokens[_pos++];
        if (AtEnd)
        {
            throw Error(keyword.Span, "Expected 'pools', 'queues' or 'ring' after 'nic'.");
        }

        // Every setting is a word and a value: a bad one is reported and the next is still read.
        (long, SourceSpan)? pools = null, queues = null, ring = null;
        while (!AtEnd)
        {
            Token what = NextWord("'pools', 'queues' or 'ring'");
            Token value = Next("a number");
            switch (what.Text)
            {
                case "pools" when pools is null:
                    pools = (NumberInRange(value, "pool count", 1, 512), value.Span);
                    break;
                case "queues" when queues is null:
                    queues = (NumberInRange(value, "queues per pool", 1, 16), value.Span);
                    break;
                case "ring" when ring is null:
                    long r = NumberInRange(value, "ring size", 1, 65536);
                    if ((r & (r - 1)) != 0)
                    {
                        Fail(RuleDescriptors.ValueOutOfRange, value.Span, $"Ring size {Echo.Cut(value.Text)} is not a power of two.");
                    }

                    ring = (r, value.Span);
                    break;
                case "pools":
                case "queues":
                case "ring":
                    Fail(RuleDescriptors.SyntaxError, what.Span, $"{Echo.Quoted(what.Text)} is given twice in one 'nic' statement.");
                    break;
                default:
                    UnknownWord(what, "nic setting", s_nicSettings);
                    break;
            }
        }

        EndStatement();
        Once(keyword);
        _doc.NicPools = pools;
        _doc.NicQueues = queues;
        _doc.NicRing = ring;
        _doc.NicLine = keyword.Span.Line;
    }

    private void ParseDefaultPool()
    {
        Token keyword = _tokens[_pos++];
        Token value = NextWord("a pool index or name");
        (long? Index, string? Name, SourceSpan Span) pool;
        if (TryParseNumber(value.Text, out long index))
        {
            pool = (index, null, value.Span);
        }
        else if (IsName(value.Text))
        {
            pool = (null, value.Text, value.Span);

            // Named even if the statement turns out broken: the pool is not then also "unreachable".
            _doc.RecoveredTargets.Add(new PoolRef(value.Text, value.Span));
        }
        else
        {
            throw Error(value.Span, $"Expected a pool index or name, found {Echo.Quoted(value.Text)}.");
        }

        EndStatement();
        Once(keyword);
        if (_section > 0)
        {
            // Inside an S-channel section: that channel's default pool.
            _doc.SectionDefaults[_section] = pool;
            return;
        }

        _doc.DefaultPool = pool;
    }

    private void ParseVxlanPort()
    {
        Token keyword = _tokens[_pos++];
        Token value = Next("a UDP port");
        long port = NumberInRange(value, "UDP port", 1, 65535);
        EndStatement();
        Once(keyword);
        _doc.VxlanPort = (port, value.Span);
    }

    private void ParseProfile()
    {
        Token keyword = _tokens[_pos++];
        Token name = NextWord("a NIC profile name (" + string.Join(", ", CapacityProfile.Names) + ")");
        if (CapacityProfile.Find(name.Text) is null)
        {
            Fail(RuleDescriptors.ValueOutOfRange, name.Span,
                $"Unknown NIC profile {Echo.Quoted(name.Text)}{Spelling.DidYouMean(name.Text, CapacityProfile.Names)}. Known profiles: {string.Join(", ", CapacityProfile.Names)}.");
        }

        EndStatement();
        Once(keyword);
        _doc.Profile = (name.Text, name.Span);
    }

    /// <summary><c>switch veb</c> or <c>switch vepa</c>: how the NIC switches what its VMs transmit (IEEE 802.1Qbg).</summary>
    private void ParseSwitch()
    {
        Token keyword = _tokens[_pos++];
        if (_section > 0)
        {
            // 'switch' sets the untagged channel's mode; inside a channel section it would read as that channel's.
            Report(RuleDescriptors.SwitchInChannel, keyword.Span,
                $"'switch' sets the mode of the untagged channel (frames with no S-tag) and must come before the first 'channel' statement; this one is in the section of S-channel {Echo.Quoted(_doc.Channels[_section - 1].Name)} (line {_doc.Channels[_section - 1].Line}). "
                + "Write an S-channel's mode on its 'channel' statement ('channel NAME svid N veb|vepa|vsi').");
            throw new SyntaxException();
        }

        Token mode = NextWord("a switch mode ('veb' or 'vepa')");
        SwitchKind kind = SwitchKind.Veb;
        switch (mode.Text)
        {
            case "veb":
                break;
            case "vepa":
                kind = SwitchKind.Vepa;
                break;
            default:
                UnknownWord(mode, "switch mode", s_switchModes);
                break;
        }

        EndStatement();
        Once(keyword);
        _doc.Switch = (kind, mode.Span);
    }

    private void ParseTenant()
    {
        _pos++;
        Token name = Name("a tenant name");
        try
        {
            ParseTenantAttributes(name);
        }
        catch (SyntaxException)
        {
            // The statement is dropped; rules naming the tenant should not also report it as undefined.
            _doc.PoisonedTenants.Add(name.Text);
            throw;
        }
    }

    private void ParseTenantAttributes(Token name)
    {
        ValueRange? vlan = null, vni = null, vsid = null, svid = null;
        while (!AtEnd)
        {
            Token what = NextWord("'vlan', 'vni', 'vsid' or 'svid'");
            Token value = Next("a range");
            switch (what.Text)
            {
                case "vlan" when vlan is null: vlan = Range(value, "VLAN IDs", 0, 4095); break;
                case "vni" when vni is null: vni = Range(value, "VNIs", 0, 0xFFFFFF); break;
                case "vsid" when vsid is null: vsid = Range(value, "VSIDs", 0, 0xFFFFFF); break;
                case "svid" when svid is null: svid = Range(value, "S-VIDs", 1, 4094); break;
                case "vlan":
                case "vni":
                case "vsid":
                case "svid":
                    Fail(RuleDescriptors.SyntaxError, what.Span, $"{Echo.Quoted(what.Text)} is given twice in one 'tenant' statement.");
                    break;
                default:
                    UnknownWord(what, "tenant attribute", s_tenantAttributes);
                    break;
            }
        }

        EndStatement();
        _doc.Tenants.Add(new TenantDecl(name.Text, vlan, vni, vsid, Line, name.Span, svid));
    }

    private void ParsePool()
    {
        _pos++;
        Token name = Name("a pool name");
        try
        {
            ParsePoolAttributes(name);
        }
        catch (SyntaxException)
        {
            // The statement is dropped; rules naming the pool should not also report it as undefined.
            _doc.PoisonedPools.Add(name.Text);
            throw;
        }
    }

    private void ParsePoolAttributes(Token name)
    {
        if (name.Text == "drop")
        {
            throw Error(name.Span, "'drop' is a keyword and cannot name a pool.");
        }

        Token indexToken = Next("the pool's index");
        long index = Number(indexToken, "the pool's index");
        Token? tenant = null;
        ValueRange? queues = null;
        long? priority = null, bandwidth = null, rate = null;
        SourceSpan? rss = null, prioritySpan = null, bandwidthSpan = null, rateSpan = null;
        AntiSpoofDecl? antiSpoof = null;
        (long Vlan, SourceSpan Span)? vlanInsert = null;
        while (!AtEnd)
        {
            Token what = NextWord("'tenant', 'queues', 'priority', 'bandwidth', 'rss', 'antispoof', 'vlan-insert' or 'rate'");
            switch (what.Text)
            {
                case "antispoof" when antiSpoof is null:
                    antiSpoof = AntiSpoofChecks();
                    break;
                case "vlan-insert" when vlanInsert is null:
                    // 0 (priority tag) and 4095 (reserved) are no VLAN a frame can be put on.
                    Token vid = Next("a VLAN ID");
                    vlanInsert = (NumberInRange(vid, "VLAN ID to insert", 1, 4094), vid.Span);
                    break;
                case "rss" when rss is null:
                    // A flag, no value: the pool spreads its frames over its queues by the RSS hash.
                    rss = what.Span;
                    break;
                case "rss":
                    Fail(RuleDescriptors.SyntaxError, what.Span, "'rss' is given twice in one 'pool' statement.");
                    break;
                case "tenant" when tenant is null:
                    tenant = Name("a tenant name");
                    break;
                case "queues" when queues is null:
                    queues = Range(Next("a queue range"), "queue indices", 0, 15);
                    break;
                case "priority" when priority is null:
                    Token pr = Next("a priority");
                    prioritySpan = pr.Span;
                    priority = NumberInRange(pr, "priority", 0, 7);
                    break;
                case "bandwidth" when bandwidth is null:
                    Token bw = Next("a bandwidth share such as 40%");
                    bandwidthSpan = bw.Span;
                    bandwidth = Percent(bw, "bandwidth share", 0);
                    break;
                case "rate" when rate is null:
                    Token r = Next("a rate such as 2.5Gbps or 800Mbps");
                    rateSpan = r.Span;
                    rate = Rate(r);
                    break;
                case "antispoof":
                    Fail(RuleDescriptors.SyntaxError, what.Span, "'antispoof' is given twice in one 'pool' statement.");
                    AntiSpoofChecks();
                    break;
                case "tenant":
                case "queues":
                case "priority":
                case "bandwidth":
                case "vlan-insert":
                case "rate":
                    // Read past its value too, so the next attribute is still checked.
                    Fail(RuleDescriptors.SyntaxError, what.Span, $"{Echo.Quoted(what.Text)} is given twice in one 'pool' statement.");
                    Next("a value");
                    break;
                default:
                    // Its value, if any, is skipped; a misspelt flag ('rs') at the end of the line is one mistake.
                    UnknownWord(what, "pool attribute", s_poolAttributes);
                    if (!AtEnd)
                    {
                        Next("a value");
                    }

                    break;
            }
        }

        EndStatement();
        _doc.Pools.Add(new PoolDecl(name.Text, index, tenant?.Text, queues, priority, bandwidth, Line, name.Span, indexToken.Span, tenant?.Span, rss,
            antiSpoof, vlanInsert?.Vlan, vlanInsert?.Span, prioritySpan, bandwidthSpan, rate, rateSpan, _section));
    }

    /// <summary>
    /// The value of <c>antispoof</c>: <c>none</c>, or <c>mac</c> and/or <c>vlan</c> separated by commas (each once). The checks
    /// listed are on, the others off.
    /// </summary>
    private AntiSpoofDecl AntiSpoofChecks()
    {
        bool mac = false, vlan = false, none = false;
        Token first = NextWord("'mac', 'vlan', 'mac,vlan' or 'none'");
        Token last = first;
        Token check = first;
        while (true)
        {
            switch (check.Text)
            {
                case "mac" when !mac: mac = true; break;
                case "vlan" when !vlan: vlan = true; break;
                case "none" when !none: none = true; break;
                case "mac":
                case "vlan":
                case "none":
                    Fail(RuleDescriptors.SyntaxError, check.Span, $"{Echo.Quoted(check.Text)} is listed twice after 'antispoof'.");
                    break;
                default:
                    UnknownWord(check, "anti-spoofing check", s_antiSpoofChecks);
                    break;
            }

            if (AtEnd || _tokens[_pos].Kind != TokenKind.Comma)
            {
                break;
            }

            _pos++;
            check = NextWord("'mac' or 'vlan'");
            last = check;
        }

        var span = new SourceSpan(first.Span.Start, last.Span.End - first.Span.Start, first.Span.Line, first.Span.Column);
        if (none && (mac || vlan))
        {
            Fail(RuleDescriptors.SyntaxError, span, "'antispoof none' turns every check off: it cannot be listed with 'mac' or 'vlan'.");
        }

        return new AntiSpoofDecl(mac, vlan, span);
    }

    /// <summary>A share written <c>N%</c>, <paramref name="min"/>..100; a malformed one is reported and read past.</summary>
    private long Percent(Token t, string what, long min)
    {
        if (t.Kind != TokenKind.Word || !t.Text.EndsWith("%", System.StringComparison.Ordinal))
        {
            string article = what.StartsWith("ETS", System.StringComparison.Ordinal) ? "an" : "a";
            Fail(RuleDescriptors.SyntaxError, t.Span, $"Expected {article} {what} with '%', such as 40%, found {Echo.Quoted(t.Text)}.");
            return min;
        }

        var number = new Token(t.Kind, t.Text.Substring(0, t.Text.Length - 1), t.Span);
        return NumberInRange(number, what, min, 100);
    }

    /// <summary>The lowest and highest <c>rate</c>: 1 Mb/s and 1.6 Tb/s (the emulator's highest line rate).</summary>
    internal const long MinRate = 1_000_000, MaxRate = 1_600_000_000_000;

    /// <summary>
    /// A transmit rate written as a decimal number (a fraction allowed) and a unit, <c>Mbps</c> or <c>Gbps</c>, with no space:
    /// <c>2.5Gbps</c>, <c>800Mbps</c>. Bits per second, a whole number of them, 1 Mb/s..1.6 Tb/s.
    /// </summary>
    private long Rate(Token t)
    {
        string text = t.Text;
        long unit = text.EndsWith("Gbps", System.StringComparison.Ordinal) ? 1_000_000_000
            : text.EndsWith("Mbps", System.StringComparison.Ordinal) ? 1_000_000
            : 0;
        string digits = unit == 0 ? text : text.Substring(0, text.Length - 4);
        bool wellFormed = t.Kind == TokenKind.Word && unit != 0 && digits.Length > 0 && digits.Length <= 20
            && digits[0] != '.' && digits[digits.Length - 1] != '.'
            && System.Array.TrueForAll(digits.ToCharArray(), c => c is (>= '0' and <= '9') or '.')
            && digits.IndexOf('.') == digits.LastIndexOf('.');
        if (!wellFormed)
        {
            Fail(RuleDescriptors.SyntaxError, t.Span, $"Expected a rate as a number and a unit, Mbps or Gbps, with no space (such as 2.5Gbps or 800Mbps), found {Echo.Quoted(text)}.");
            return MinRate;
        }

        decimal number = decimal.Parse(digits, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture);

        // Above MaxRate the number is out of range in either unit; multiplying 20 digits by 10^9 could overflow a decimal.
        decimal bits = number > MaxRate ? number : number * unit;
        if (bits != decimal.Truncate(bits) || bits < MinRate || bits > MaxRate)
        {
            Fail(RuleDescriptors.ValueOutOfRange, t.Span,
                $"Rate {Echo.Cut(text)} is out of range: it must be a whole number of bits per second from 1Mbps to 1600Gbps.");
            return MinRate;
        }

        return (long)bits;
    }

    private void ParseClass()
    {
        _pos++;
        Token name = Name("a traffic class name");
        if (name.Text == "drop")
        {
            throw Error(name.Span, "'drop' is a keyword and cannot name a traffic class.");
        }

        Token? tcToken = null, algorithm = null;
        long tc = 0;
        long? share = null;
        SourceSpan shareSpan = name.Span;
        List<ValueRange>? priorities = null;
        while (!AtEnd)
        {
            Token what = NextWord("'tc', 'ets', 'strict' or 'priorities'");
            switch (what.Text)
            {
                case "tc" when tcToken is null:
                    tcToken = Next("a traffic class number 0-7");
                    tc = NumberInRange(tcToken.Value, "traffic class", 0, 7);
                    break;
                case "ets" when algorithm is null:
                    algorithm = what;
                    Token s = Next("an ETS bandwidth share such as 40%");
                    shareSpan = s.Span;
                    share = Percent(s, "ETS bandwidth share", 1);
                    break;
                case "strict" when algorithm is null:
                    algorithm = what;
                    shareSpan = what.Span;
                    break;
                case "priorities" when priorities is null:
                    priorities = new List<ValueRange> { Range(Next("a priority or a range of them (0-7)"), "priorities", 0, 7) };
                    while (!AtEnd && _tokens[_pos].Kind == TokenKind.Comma)
                    {
                        _pos++;
                        priorities.Add(Range(Next("a priority or a range of them (0-7)"), "priorities", 0, 7));
                    }

                    break;
                case "ets":
                case "strict":
                    Fail(RuleDescriptors.SyntaxError, what.Span, $"A traffic class has one transmission selection algorithm: {Echo.Quoted(algorithm!.Value.Text)} is already given.");
                    if (what.Text == "ets" && !AtEnd)
                    {
                        Next("a value");
                    }

                    break;
                case "tc":
                case "priorities":
                    Fail(RuleDescriptors.SyntaxError, what.Span, $"{Echo.Quoted(what.Text)} is given twice in one 'class' statement.");
                    Next("a value");
                    break;
                default:
                    UnknownWord(what, "class attribute", s_classAttributes);
                    if (!AtEnd)
                    {
                        Next("a value");
                    }

                    break;
            }
        }

        if (tcToken is null)
        {
            Fail(RuleDescriptors.SyntaxError, name.Span, $"Class {Echo.Quoted(name.Text)} needs its traffic class number: write 'tc 0-7', as in 'class {name.Text} tc 2 ets 40%'.");
        }

        if (algorithm is null)
        {
            Fail(RuleDescriptors.SyntaxError, name.Span, $"Class {Echo.Quoted(name.Text)} needs its transmission selection algorithm: 'ets N%' or 'strict'.");
        }

        EndStatement();

        // Without 'priorities' a class takes the priority equal to its traffic class number.
        var mapped = priorities ?? new List<ValueRange> { new(tc, tc, tcToken!.Value.Span) };
        _doc.Classes.Add(new ClassDecl(name.Text, tc, algorithm!.Value.Text == "strict", share, mapped.ToEquatableArray(), Line, name.Span, tcToken!.Value.Span, shareSpan));
    }

    /// <summary>
    /// <c>channel NAME svid N [veb|vepa|vsi]</c>: an IEEE 802.1Qbg S-channel. It opens a section: the pools, filter rules and
    /// <c>default-pool</c> after it belong to the channel, up to the next <c>channel</c> statement or the end of the file. A
    /// statement whose name was read opens its section even when the rest is broken, so what follows is not taken for the
    /// previous channel's (the broken channel itself is dropped from the checks; its diagnostics say why).
    /// </summary>
    private void ParseChannel()
    {
        _pos++;
        Token name = Name("an S-channel name");
        _section = _doc.Channels.Count + 1;
        long svid = 0;
        SourceSpan svidSpan = name.Span;
        SwitchKind? mode = null;
        SourceSpan? modeSpan = null;
        bool broken = true;
        try
        {
            if (name.Text == "drop")
            {
                throw Error(name.Span, "'drop' is a keyword and cannot name an S-channel.");
            }

            Token svidWord = NextWord("'svid' and the channel's S-VID");
            if (svidWord.Text != "svid")
            {
                throw Error(svidWord.Span, $"Expected 'svid' and the channel's S-VID, as in 'channel {name.Text} svid 10', found {Echo.Quoted(svidWord.Text)}.");
            }

            Token value = Next("an S-VID (1-4094)");
            svidSpan = value.Span;

            // 0 and 4095 are reserved VIDs (IEEE 802.1Q table 9-2): no S-channel is carried on them.
            svid = NumberInRange(value, "S-VID", 1, 4094);
            if (!AtEnd)
            {
                Token m = NextWord("an S-channel mode ('veb', 'vepa' or 'vsi')");
                modeSpan = m.Span;
                switch (m.Text)
                {
                    case "veb": mode = SwitchKind.Veb; break;
                    case "vepa": mode = SwitchKind.Vepa; break;
                    case "vsi": mode = SwitchKind.Vsi; break;
                    default: UnknownWord(m, "S-channel mode", s_channelModes); break;
                }
            }

            EndStatement();
            broken = false;
        }
        finally
        {
            _doc.Channels.Add(new ChannelDecl(name.Text, svid, mode, Line, name.Span, svidSpan, modeSpan, broken));
        }
    }

    private void ParseRule()
    {
        Token keyword = _tokens[_pos++];
        MatchKind kind;
        ulong mac = 0;
        long id = 0;
        SourceSpan? macSpan = null, idSpan = null;
        string? refinement = null;
        switch (keyword.Text)
        {
            case "mac":
            {
                Token m = NextWord("a MAC address");
                mac = MacAddress(m);
                macSpan = m.Span;
                kind = MatchKind.Mac;
                refinement = "vlan";
                if (PeekWord("vlan"))
                {
                    _pos++;
                    Token v = Next("a VLAN ID");
                    id = NumberInRange(v, "VLAN ID", 0, 4095);
                    idSpan = v.Span;
                    kind = MatchKind.MacVlan;
                    refinement = null;
                }

                break;
            }

            case "vlan":
            {
                Token v = Next("a VLAN ID");
                id = NumberInRange(v, "VLAN ID", 0, 4095);
                idSpan = v.Span;
                kind = MatchKind.Vlan;
                break;
            }

            case "vxlan":
            case "nvgre":
            {
                bool vxlan = keyword.Text == "vxlan";
                string what = vxlan ? "VNI" : "VSID";
                Token v = Next(vxlan ? "a VXLAN VNI" : "an NVGRE VSID");
                id = NumberInRange(v, what, 0, 0xFFFFFF);
                idSpan = v.Span;
                kind = vxlan ? MatchKind.Vxlan : MatchKind.Nvgre;
                refinement = "inner";
                if (PeekWord("inner"))
                {
                    _pos++;
                    Token m = NextWord("an inner MAC address");
                    mac = MacAddress(m);
                    macSpan = m.Span;
                    kind = vxlan ? MatchKind.VxlanInner : MatchKind.NvgreInner;
                    refinement = null;
                }

                break;
            }

            case "broadcast":
                kind = MatchKind.Broadcast;
                break;
            default:
                kind = MatchKind.Multicast;
                break;
        }

        Token arrow = Next("'->' and a target");
        if (arrow.Kind != TokenKind.Arrow)
        {
            string near = refinement is not null ? Spelling.DidYouMean(arrow.Text, new[] { refinement }) : string.Empty;
            throw Error(arrow.Span, $"Expected '->' and a target, found {Echo.Quoted(arrow.Text)}{near}.");
        }

        RuleTarget target = ParseTarget(kind is MatchKind.Broadcast or MatchKind.Multicast);
        if (_failed)
        {
            // The match had an error but the target is sound: its pools are still checked and count as named.
            _doc.BrokenRuleTargets.AddRange(target.Pools);
            _targetRecorded = true;
        }

        EndStatement();
        _doc.Rules.Add(new FilterRule(new MatchKey(kind, mac, (uint)id), target, Line, keyword.Span, macSpan, idSpan, _section));
        _targetRecorded = true;
    }

    private RuleTarget ParseTarget(bool allowList)
    {
        Token first = NextWord("a pool name, POOL:QUEUE or 'drop'");
        if (first.Text == "drop")
        {
            return new RuleTarget(true, EquatableArray<PoolRef>.Empty, null, null, first.Span);
        }

        int colon = first.Text.IndexOf(':');
        string poolName = colon < 0 ? first.Text : first.Text.Substring(0, colon);
        var poolSpan = new SourceSpan(first.Span.Start, poolName.Length, first.Span.Line, first.Span.Column);
        if (poolName == "drop")
        {
            throw Error(first.Span, $"A drop takes no queue: write '-> drop', not {Echo.Quoted(first.Text)}.");
        }

        if (!IsName(poolName))
        {
            throw Error(poolSpan, $"Expected a pool name, POOL:QUEUE or 'drop', found {Echo.Quoted(first.Text)}.");
        }

        long? queue = null;
        SourceSpan? queueSpan = null;
        if (colon >= 0)
        {
            string queueText = first.Text.Substring(colon + 1);
            var qSpan = new SourceSpan(first.Span.Start + colon + 1, queueText.Length, first.Span.Line, first.Span.Column + colon + 1);
            if (!TryParseNumber(queueText, out long q))
            {
                throw Error(qSpan, $"Expected a queue index after {Echo.Quoted(poolName + ":")}, found {Echo.Quoted(queueText)}.");
            }

            queue = q;
            queueSpan = qSpan;
        }

        // A list only for a pool list: most rules name one pool.
        var firstRef = new PoolRef(poolName, poolSpan);
        List<PoolRef>? pools = null;
        while (!AtEnd && _tokens[_pos].Kind == TokenKind.Comma)
        {
            Token comma = _tokens[_pos++];
            if (!allowList)
            {
                throw Error(comma.Span, "Only 'broadcast' and 'multicast' rules can target a list of pools.");
            }

            if (queue is not null)
            {
                throw Error(comma.Span, "A pool list cannot name queues: each pool gets the frame on its first allowed queue.");
            }

            Token p = Name("a pool name");
            (pools ??= new List<PoolRef> { firstRef }).Add(new PoolRef(p.Text, p.Span));
        }

        var whole = new SourceSpan(first.Span.Start, _tokens[_pos - 1].Span.End - first.Span.Start, first.Span.Line, first.Span.Column);
        return new RuleTarget(false, pools?.ToEquatableArray() ?? new EquatableArray<PoolRef>(new[] { firstRef }), queue, queueSpan, whole);
    }
}
