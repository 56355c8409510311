import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuthConfig as _runtime_AuthConfig, AuthConfig__Output as _runtime_AuthConfig__Output } from './runtime/AuthConfig.js';
import type { Capability as _runtime_Capability, Capability__Output as _runtime_Capability__Output } from './runtime/Capability.js';
import type { Container as _runtime_Container, Container__Output as _runtime_Container__Output } from './runtime/Container.js';
import type { ContainerConfig as _runtime_ContainerConfig, ContainerConfig__Output as _runtime_ContainerConfig__Output } from './runtime/ContainerConfig.js';
import type { ContainerFilter as _runtime_ContainerFilter, ContainerFilter__Output as _runtime_ContainerFilter__Output } from './runtime/ContainerFilter.js';
import type { ContainerMetadata as _runtime_ContainerMetadata, ContainerMetadata__Output as _runtime_ContainerMetadata__Output } from './runtime/ContainerMetadata.js';
import type { ContainerStatus as _runtime_ContainerStatus, ContainerStatus__Output as _runtime_ContainerStatus__Output } from './runtime/ContainerStatus.js';
import type { ContainerStatusRequest as _runtime_ContainerStatusRequest, ContainerStatusRequest__Output as _runtime_ContainerStatusRequest__Output } from './runtime/ContainerStatusRequest.js';
import type { ContainerStatusResponse as _runtime_ContainerStatusResponse, ContainerStatusResponse__Output as _runtime_ContainerStatusResponse__Output } from './runtime/ContainerStatusResponse.js';
import type { CreateContainerRequest as _runtime_CreateContainerRequest, CreateContainerRequest__Output as _runtime_CreateContainerRequest__Output } from './runtime/CreateContainerRequest.js';
import type { CreateContainerResponse as _runtime_CreateContainerResponse, CreateContainerResponse__Output as _runtime_CreateContainerResponse__Output } from './runtime/CreateContainerResponse.js';
import type { CreatePodSandboxRequest as _runtime_CreatePodSandboxRequest, CreatePodSandboxRequest__Output as _runtime_CreatePodSandboxRequest__Output } from './runtime/CreatePodSandboxRequest.js';
import type { CreatePodSandboxResponse as _runtime_CreatePodSandboxResponse, CreatePodSandboxResponse__Output as _runtime_CreatePodSandboxResponse__Output } from './runtime/CreatePodSandboxResponse.js';
import type { DNSOption as _runtime_DNSOption, DNSOption__Output as _runtime_DNSOption__Output } from './runtime/DNSOption.js';
import type { ExecRequest as _runtime_ExecRequest, ExecRequest__Output as _runtime_ExecRequest__Output } from './runtime/ExecRequest.js';
import type { ExecResponse as _runtime_ExecResponse, ExecResponse__Output as _runtime_ExecResponse__Output } from './runtime/ExecResponse.js';
import type { Image as _runtime_Image, Image__Output as _runtime_Image__Output } from './runtime/Image.js';
import type { ImageFilter as _runtime_ImageFilter, ImageFilter__Output as _runtime_ImageFilter__Output } from './runtime/ImageFilter.js';
import type { ImageServiceClient as _runtime_ImageServiceClient, ImageServiceDefinition as _runtime_ImageServiceDefinition } from './runtime/ImageService.js';
import type { ImageSpec as _runtime_ImageSpec, ImageSpec__Output as _runtime_ImageSpec__Output } from './runtime/ImageSpec.js';
import type { ImageStatusRequest as _runtime_ImageStatusRequest, ImageStatusRequest__Output as _runtime_ImageStatusRequest__Output } from './runtime/ImageStatusRequest.js';
import type { ImageStatusResponse as _runtime_ImageStatusResponse, ImageStatusResponse__Output as _runtime_ImageStatusResponse__Output } from './runtime/ImageStatusResponse.js';
import type { KeyValue as _runtime_KeyValue, KeyValue__Output as _runtime_KeyValue__Output } from './runtime/KeyValue.js';
import type { LinuxContainerConfig as _runtime_LinuxContainerConfig, LinuxContainerConfig__Output as _runtime_LinuxContainerConfig__Output } from './runtime/LinuxContainerConfig.js';
import type { LinuxContainerResources as _runtime_LinuxContainerResources, LinuxContainerResources__Output as _runtime_LinuxContainerResources__Output } from './runtime/LinuxContainerResources.js';
import type { LinuxPodSandboxConfig as _runtime_LinuxPodSandboxConfig, LinuxPodSandboxConfig__Output as _runtime_LinuxPodSandboxConfig__Output } from './runtime/LinuxPodSandboxConfig.js';
import type { LinuxPodSandboxStatus as _runtime_LinuxPodSandboxStatus, LinuxPodSandboxStatus__Output as _runtime_LinuxPodSandboxStatus__Output } from './runtime/LinuxPodSandboxStatus.js';
import type { LinuxUser as _runtime_LinuxUser, LinuxUser__Output as _runtime_LinuxUser__Output } from './runtime/LinuxUser.js';
import type { ListContainersRequest as _runtime_ListContainersRequest, ListContainersRequest__Output as _runtime_ListContainersRequest__Output } from './runtime/ListContainersRequest.js';
import type { ListContainersResponse as _runtime_ListContainersResponse, ListContainersResponse__Output as _runtime_ListContainersResponse__Output } from './runtime/ListContainersResponse.js';
import type { ListImagesRequest as _runtime_ListImagesRequest, ListImagesRequest__Output as _runtime_ListImagesRequest__Output } from './runtime/ListImagesRequest.js';
import type { ListImagesResponse as _runtime_ListImagesResponse, ListImagesResponse__Output as _runtime_ListImagesResponse__Output } from './runtime/ListImagesResponse.js';
import type { ListPodSandboxRequest as _runtime_ListPodSandboxRequest, ListPodSandboxRequest__Output as _runtime_ListPodSandboxRequest__Output } from './runtime/ListPodSandboxRequest.js';
import type { ListPodSandboxResponse as _runtime_ListPodSandboxResponse, ListPodSandboxResponse__Output as _runtime_ListPodSandboxResponse__Output } from './runtime/ListPodSandboxResponse.js';
import type { Mount as _runtime_Mount, Mount__Output as _runtime_Mount__Output } from './runtime/Mount.js';
import type { Namespace as _runtime_Namespace, Namespace__Output as _runtime_Namespace__Output } from './runtime/Namespace.js';
import type { NamespaceOption as _runtime_NamespaceOption, NamespaceOption__Output as _runtime_NamespaceOption__Output } from './runtime/NamespaceOption.js';
import type { PodSandbox as _runtime_PodSandbox, PodSandbox__Output as _runtime_PodSandbox__Output } from './runtime/PodSandbox.js';
import type { PodSandboxConfig as _runtime_PodSandboxConfig, PodSandboxConfig__Output as _runtime_PodSandboxConfig__Output } from './runtime/PodSandboxConfig.js';
import type { PodSandboxFilter as _runtime_PodSandboxFilter, PodSandboxFilter__Output as _runtime_PodSandboxFilter__Output } from './runtime/PodSandboxFilter.js';
import type { PodSandboxMetadata as _runtime_PodSandboxMetadata, PodSandboxMetadata__Output as _runtime_PodSandboxMetadata__Output } from './runtime/PodSandboxMetadata.js';
import type { PodSandboxNetworkStatus as _runtime_PodSandboxNetworkStatus, PodSandboxNetworkStatus__Output as _runtime_PodSandboxNetworkStatus__Output } from './runtime/PodSandboxNetworkStatus.js';
import type { PodSandboxStatus as _runtime_PodSandboxStatus, PodSandboxStatus__Output as _runtime_PodSandboxStatus__Output } from './runtime/PodSandboxStatus.js';
import type { PodSandboxStatusRequest as _runtime_PodSandboxStatusRequest, PodSandboxStatusRequest__Output as _runtime_PodSandboxStatusRequest__Output } from './runtime/PodSandboxStatusRequest.js';
import type { PodSandboxStatusResponse as _runtime_PodSandboxStatusResponse, PodSandboxStatusResponse__Output as _runtime_PodSandboxStatusResponse__Output } from './runtime/PodSandboxStatusResponse.js';
import type { PortMapping as _runtime_PortMapping, PortMapping__Output as _runtime_PortMapping__Output } from './runtime/PortMapping.js';
import type { PullImageRequest as _runtime_PullImageRequest, PullImageRequest__Output as _runtime_PullImageRequest__Output } from './runtime/PullImageRequest.js';
import type { PullImageResponse as _runtime_PullImageResponse, PullImageResponse__Output as _runtime_PullImageResponse__Output } from './runtime/PullImageResponse.js';
import type { RemoveContainerRequest as _runtime_RemoveContainerRequest, RemoveContainerRequest__Output as _runtime_RemoveContainerRequest__Output } from './runtime/RemoveContainerRequest.js';
import type { RemoveContainerResponse as _runtime_RemoveContainerResponse, RemoveContainerResponse__Output as _runtime_RemoveContainerResponse__Output } from './runtime/RemoveContainerResponse.js';
import type { RemoveImageRequest as _runtime_RemoveImageRequest, RemoveImageRequest__Output as _runtime_RemoveImageRequest__Output } from './runtime/RemoveImageRequest.js';
import type { RemoveImageResponse as _runtime_RemoveImageResponse, RemoveImageResponse__Output as _runtime_RemoveImageResponse__Output } from './runtime/RemoveImageResponse.js';
import type { RemovePodSandboxRequest as _runtime_RemovePodSandboxRequest, RemovePodSandboxRequest__Output as _runtime_RemovePodSandboxRequest__Output } from './runtime/RemovePodSandboxRequest.js';
import type { RemovePodSandboxResponse as _runtime_RemovePodSandboxResponse, RemovePodSandboxResponse__Output as _runtime_RemovePodSandboxResponse__Output } from './runtime/RemovePodSandboxResponse.js';
import type { RuntimeServiceClient as _runtime_RuntimeServiceClient, RuntimeServiceDefinition as _runtime_RuntimeServiceDefinition } from './runtime/RuntimeService.js';
import type { SELinuxOption as _runtime_SELinuxOption, SELinuxOption__Output as _runtime_SELinuxOption__Output } from './runtime/SELinuxOption.js';
import type { StartContainerRequest as _runtime_StartContainerRequest, StartContainerRequest__Output as _runtime_StartContainerRequest__Output } from './runtime/StartContainerRequest.js';
import type { StartContainerResponse as _runtime_StartContainerResponse, StartContainerResponse__Output as _runtime_StartContainerResponse__Output } from './runtime/StartContainerResponse.js';
import type { StopContainerRequest as _runtime_StopContainerRequest, StopContainerRequest__Output as _runtime_StopContainerRequest__Output } from './runtime/StopContainerRequest.js';
import type { StopContainerResponse as _runtime_StopContainerResponse, StopContainerResponse__Output as _runtime_StopContainerResponse__Output } from './runtime/StopContainerResponse.js';
import type { StopPodSandboxRequest as _runtime_StopPodSandboxRequest, StopPodSandboxRequest__Output as _runtime_StopPodSandboxRequest__Output } from './runtime/StopPodSandboxRequest.js';
import type { StopPodSandboxResponse as _runtime_StopPodSandboxResponse, StopPodSandboxResponse__Output as _runtime_StopPodSandboxResponse__Output } from './runtime/StopPodSandboxResponse.js';
import type { VersionRequest as _runtime_VersionRequest, VersionRequest__Output as _runtime_VersionRequest__Output } from './runtime/VersionRequest.js';
import type { VersionResponse as _runtime_VersionResponse, VersionResponse__Output as _runtime_VersionResponse__Output } from './runtime/VersionResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  runtime: {
    AuthConfig: MessageTypeDefinition<_runtime_AuthConfig, _runtime_AuthConfig__Output>
    Capability: MessageTypeDefinition<_runtime_Capability, _runtime_Capability__Output>
    Container: MessageTypeDefinition<_runtime_Container, _runtime_Container__Output>
    ContainerConfig: MessageTypeDefinition<_runtime_ContainerConfig, _runtime_ContainerConfig__Output>
    ContainerFilter: MessageTypeDefinition<_runtime_ContainerFilter, _runtime_ContainerFilter__Output>
    ContainerMetadata: MessageTypeDefinition<_runtime_ContainerMetadata, _runtime_ContainerMetadata__Output>
    ContainerState: EnumTypeDefinition
    ContainerStatus: MessageTypeDefinition<_runtime_ContainerStatus, _runtime_ContainerStatus__Output>
    ContainerStatusRequest: MessageTypeDefinition<_runtime_ContainerStatusRequest, _runtime_ContainerStatusRequest__Output>
    ContainerStatusResponse: MessageTypeDefinition<_runtime_ContainerStatusResponse, _runtime_ContainerStatusResponse__Output>
    CreateContainerRequest: MessageTypeDefinition<_runtime_CreateContainerRequest, _runtime_CreateContainerRequest__Output>
    CreateContainerResponse: MessageTypeDefinition<_runtime_CreateContainerResponse, _runtime_CreateContainerResponse__Output>
    CreatePodSandboxRequest: MessageTypeDefinition<_runtime_CreatePodSandboxRequest, _runtime_CreatePodSandboxRequest__Output>
    CreatePodSandboxResponse: MessageTypeDefinition<_runtime_CreatePodSandboxResponse, _runtime_CreatePodSandboxResponse__Output>
    DNSOption: MessageTypeDefinition<_runtime_DNSOption, _runtime_DNSOption__Output>
    ExecRequest: MessageTypeDefinition<_runtime_ExecRequest, _runtime_ExecRequest__Output>
    ExecResponse: MessageTypeDefinition<_runtime_ExecResponse, _runtime_ExecResponse__Output>
    Image: MessageTypeDefinition<_runtime_Image, _runtime_Image__Output>
    ImageFilter: MessageTypeDefinition<_runtime_ImageFilter, _runtime_ImageFilter__Output>
    ImageService: SubtypeConstructor<typeof grpc.Client, _runtime_ImageServiceClient> & { service: _runtime_ImageServiceDefinition }
    ImageSpec: MessageTypeDefinition<_runtime_ImageSpec, _runtime_ImageSpec__Output>
    ImageStatusRequest: MessageTypeDefinition<_runtime_ImageStatusRequest, _runtime_ImageStatusRequest__Output>
    ImageStatusResponse: MessageTypeDefinition<_runtime_ImageStatusResponse, _runtime_ImageStatusResponse__Output>
    KeyValue: MessageTypeDefinition<_runtime_KeyValue, _runtime_KeyValue__Output>
    LinuxContainerConfig: MessageTypeDefinition<_runtime_LinuxContainerConfig, _runtime_LinuxContainerConfig__Output>
    LinuxContainerResources: MessageTypeDefinition<_runtime_LinuxContainerResources, _runtime_LinuxContainerResources__Output>
    LinuxPodSandboxConfig: MessageTypeDefinition<_runtime_LinuxPodSandboxConfig, _runtime_LinuxPodSandboxConfig__Output>
    LinuxPodSandboxStatus: MessageTypeDefinition<_runtime_LinuxPodSandboxStatus, _runtime_LinuxPodSandboxStatus__Output>
    LinuxUser: MessageTypeDefinition<_runtime_LinuxUser, _runtime_LinuxUser__Output>
    ListContainersRequest: MessageTypeDefinition<_runtime_ListContainersRequest, _runtime_ListContainersRequest__Output>
    ListContainersResponse: MessageTypeDefinition<_runtime_ListContainersResponse, _runtime_ListContainersResponse__Output>
    ListImagesRequest: MessageTypeDefinition<_runtime_ListImagesRequest, _runtime_ListImagesRequest__Output>
    ListImagesResponse: MessageTypeDefinition<_runtime_ListImagesResponse, _runtime_ListImagesResponse__Output>
    ListPodSandboxRequest: MessageTypeDefinition<_runtime_ListPodSandboxRequest, _runtime_ListPodSandboxRequest__Output>
    ListPodSandboxResponse: MessageTypeDefinition<_runtime_ListPodSandboxResponse, _runtime_ListPodSandboxResponse__Output>
    Mount: MessageTypeDefinition<_runtime_Mount, _runtime_Mount__Output>
    Namespace: MessageTypeDefinition<_runtime_Namespace, _runtime_Namespace__Output>
    NamespaceOption: MessageTypeDefinition<_runtime_NamespaceOption, _runtime_NamespaceOption__Output>
    PodSandBoxState: EnumTypeDefinition
    PodSandbox: MessageTypeDefinition<_runtime_PodSandbox, _runtime_PodSandbox__Output>
    PodSandboxConfig: MessageTypeDefinition<_runtime_PodSandboxConfig, _runtime_PodSandboxConfig__Output>
    PodSandboxFilter: MessageTypeDefinition<_runtime_PodSandboxFilter, _runtime_PodSandboxFilter__Output>
    PodSandboxMetadata: MessageTypeDefinition<_runtime_PodSandboxMetadata, _runtime_PodSandboxMetadata__Output>
    PodSandboxNetworkStatus: MessageTypeDefinition<_runtime_PodSandboxNetworkStatus, _runtime_PodSandboxNetworkStatus__Output>
    PodSandboxStatus: MessageTypeDefinition<_runtime_PodSandboxStatus, _runtime_PodSandboxStatus__Output>
    PodSandboxStatusRequest: MessageTypeDefinition<_runtime_PodSandboxStatusRequest, _runtime_PodSandboxStatusRequest__Output>
    PodSandboxStatusResponse: MessageTypeDefinition<_runtime_PodSandboxStatusResponse, _runtime_PodSandboxStatusResponse__Output>
    PortMapping: MessageTypeDefinition<_runtime_PortMapping, _runtime_PortMapping__Output>
    Protocol: EnumTypeDefinition
    PullImageRequest: MessageTypeDefinition<_runtime_PullImageRequest, _runtime_PullImageRequest__Output>
    PullImageResponse: MessageTypeDefinition<_runtime_PullImageResponse, _runtime_PullImageResponse__Output>
    RemoveContainerRequest: MessageTypeDefinition<_runtime_RemoveContainerRequest, _runtime_RemoveContainerRequest__Output>
    RemoveContainerResponse: MessageTypeDefinition<_runtime_RemoveContainerResponse, _runtime_RemoveContainerResponse__Output>
    RemoveImageRequest: MessageTypeDefinition<_runtime_RemoveImageRequest, _runtime_RemoveImageRequest__Output>
    RemoveImageResponse: MessageTypeDefinition<_runtime_RemoveImageResponse, _runtime_RemoveImageResponse__Output>
    RemovePodSandboxRequest: MessageTypeDefinition<_runtime_RemovePodSandboxRequest, _runtime_RemovePodSandboxRequest__Output>
    RemovePodSandboxResponse: MessageTypeDefinition<_runtime_RemovePodSandboxResponse, _runtime_RemovePodSandboxResponse__Output>
    RuntimeService: SubtypeConstructor<typeof grpc.Client, _runtime_RuntimeServiceClient> & { service: _runtime_RuntimeServiceDefinition }
    SELinuxOption: MessageTypeDefinition<_runtime_SELinuxOption, _runtime_SELinuxOption__Output>
    StartContainerRequest: MessageTypeDefinition<_runtime_StartContainerRequest, _runtime_StartContainerRequest__Output>
    StartContainerResponse: MessageTypeDefinition<_runtime_StartContainerResponse, _runtime_StartContainerResponse__Output>
    StopContainerRequest: MessageTypeDefinition<_runtime_StopContainerRequest, _runtime_StopContainerRequest__Output>
    StopContainerResponse: MessageTypeDefinition<_runtime_StopContainerResponse, _runtime_StopContainerResponse__Output>
    StopPodSandboxRequest: MessageTypeDefinition<_runtime_StopPodSandboxRequest, _runtime_StopPodSandboxRequest__Output>
    StopPodSandboxResponse: MessageTypeDefinition<_runtime_StopPodSandboxResponse, _runtime_StopPodSandboxResponse__Output>
    VersionRequest: MessageTypeDefinition<_runtime_VersionRequest, _runtime_VersionRequest__Output>
    VersionResponse: MessageTypeDefinition<_runtime_VersionResponse, _runtime_VersionResponse__Output>
  }
}

