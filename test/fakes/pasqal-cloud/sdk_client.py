"""Drives the Pasqal Cloud fake with Pasqal's own client: pasqal-cloud's SDK (user login through the
Auth0 password-realm grant, batches, results) and a sequence built by Pulser on the device the fake
serves. Prints one JSON line: what the SDK read back.

    FAKE_CORE_URL=... FAKE_TOKEN_URL=... FAKE_USERNAME=... FAKE_PASSWORD=... FAKE_PROJECT_ID=... \
      .python-env-pasqal/bin/python test/fakes/pasqal-cloud/sdk_client.py
"""
import json
import os
import warnings

import numpy as np
from pasqal_cloud import SDK
from pasqal_cloud.endpoints import AUTH0_TOKEN_PROVIDER_GRANT_TYPE, Endpoints, TokenProviderConf
from pulser import Pulse, Register, Sequence
from pulser.json.abstract_repr.deserializer import deserialize_device
from pulser.waveforms import BlackmanWaveform

warnings.simplefilter("ignore", DeprecationWarning)


def main():
    core = os.environ["FAKE_CORE_URL"]
    sdk = SDK(
        username=os.environ["FAKE_USERNAME"],
        password=os.environ["FAKE_PASSWORD"],
        project_id=os.environ["FAKE_PROJECT_ID"],
        endpoints=Endpoints(core=core, account=core.replace("/core-fast", "/account")),
        auth_config=TokenProviderConf(
            token_endpoint=os.environ["FAKE_TOKEN_URL"],
            public_client_id="fake-public-client",
            audience="https://apis.pasqal.cloud/account/api/v1",
            realm="pcs-users",
            grant_type=AUTH0_TOKEN_PROVIDER_GRANT_TYPE,
        ),
    )
    specs = sdk.get_device_specs_dict()
    device = deserialize_device(specs["FRESNEL"])

    register = Register.from_coordinates([(0.0, 0.0), (30.0, 0.0), (0.0, 30.0)], prefix="atom")
    sequence = Sequence(register, device)
    sequence.declare_channel("ryd", "rydberg_global")
    sequence.add(Pulse.ConstantDetuning(BlackmanWaveform(800, np.pi), 0.0, 0.0), "ryd")
    sequence.measure("ground-rydberg")

    batch = sdk.create_batch(sequence.to_abstract_repr(), jobs=[{"runs": 40}], device_type="FRESNEL", wait=True)
    job = batch.ordered_jobs[0]
    status = sdk.get_batch_status(batch.id).value

    # A second batch, cancelled before it runs: the SDK's cancel route and the status it reads back.
    second = sdk.create_batch(sequence.to_abstract_repr(), jobs=[{"runs": 10}], device_type="FRESNEL")
    second.cancel()

    print(json.dumps({
        "device": device.name,
        "max_atoms": device.max_atom_num,
        "batch_status": status,
        "job_status": job.status,
        "runs": job.runs,
        "counter": job.result,
        "cancelled_status": second.status,
        "cancelled_read_back": sdk.get_batch(second.id).status,
    }))


if __name__ == "__main__":
    main()
