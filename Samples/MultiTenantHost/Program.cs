using Contoso.Fabric;

byte[] frame = new byte[64];
new byte[] { 0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x01 }.CopyTo(frame, 0);
frame[12] = 0x08;
Verdict v = TenantDispatcher.Classify(frame);
Console.WriteLine($"{TenantDispatcher.Parse(frame)} => {v}");
